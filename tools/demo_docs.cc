// Sample records for the demo vault (scripts/run.sh) and the browser tests
// (tests/web): real multi-page Chinese PDFs, as sales keeps them.
//
//   vault_demo_docs OUTDIR [FONT]
//
// Writes OUTDIR/contract.pdf (3 pages), quotation.pdf (2 pages) and
// order.pdf (2 pages) with text in FONT (default: WenQuanYi Zen Hei, the
// stamp's font). A scan is made from order.pdf with pdftoppm.
#include <hpdf.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

struct Sample {
  const char* file;
  const char* title;
  std::vector<std::vector<std::string>> pages;  // lines per page
};

void ErrorHandler(HPDF_STATUS error, HPDF_STATUS detail, void*) {
  std::fprintf(stderr, "vault_demo_docs: libharu error 0x%04X (%u)\n", static_cast<unsigned>(error),
               static_cast<unsigned>(detail));
}

bool Write(const std::string& dir, const std::string& font_file, const Sample& s) {
  HPDF_Doc pdf = HPDF_New(ErrorHandler, nullptr);
  if (!pdf) return false;
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(pdf);
  const bool ttc = font_file.size() > 4 && font_file.substr(font_file.size() - 4) == ".ttc";
  const char* name = ttc ? HPDF_LoadTTFontFromFile2(pdf, font_file.c_str(), 0, HPDF_TRUE)
                         : HPDF_LoadTTFontFromFile(pdf, font_file.c_str(), HPDF_TRUE);
  if (!name) {
    HPDF_Free(pdf);
    return false;
  }
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
  const int total = static_cast<int>(s.pages.size());
  for (int p = 0; p < total; ++p) {
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, 20);
    HPDF_Page_TextOut(page, 60, 770, s.title);
    HPDF_Page_SetFontAndSize(page, font, 12);
    float y = 730;
    for (const auto& line : s.pages[static_cast<size_t>(p)]) {
      HPDF_Page_TextOut(page, 60, y, line.c_str());
      y -= 22;
    }
    const std::string footer = "第 " + std::to_string(p + 1) + " 页 共 " + std::to_string(total) + " 页";
    HPDF_Page_SetFontAndSize(page, font, 9);
    HPDF_Page_TextOut(page, 260, 40, footer.c_str());
    HPDF_Page_EndText(page);
  }
  const std::string out = dir + "/" + s.file;
  HPDF_STATUS st = HPDF_SaveToFile(pdf, out.c_str());
  HPDF_Free(pdf);
  return st == HPDF_OK;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: vault_demo_docs OUTDIR [FONT]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string font = argc > 2 ? argv[2] : "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
  const std::vector<Sample> samples = {
      {"contract.pdf", "销售合同  2026 年度框架合同",
       {{"合同编号：HT-2026-0015", "甲方（买方）：深圳市示例科技有限公司", "乙方（卖方）：示例销售有限公司",
         "签订日期：2026 年 1 月 15 日", "", "第一条  合同标的", "乙方向甲方供应工业传感器及配套安装服务，",
         "具体型号、数量与单价以双方确认的订单为准。", "", "第二条  合同金额", "本合同框架金额为人民币 128,000.00 元（壹拾贰万捌仟元整）。"},
        {"第三条  交付与验收", "乙方应在收到订单后 15 个工作日内交付货物，", "甲方应在收货后 5 个工作日内完成验收。", "",
         "第四条  付款方式", "甲方在验收合格后 30 日内支付该批货款。", "", "第五条  保密", "双方对本合同内容及履行中知悉的商业信息负有保密义务。"},
        {"第六条  违约责任", "任何一方违约，应赔偿对方因此遭受的直接损失。", "", "第七条  争议解决",
         "因本合同产生的争议，双方协商解决；协商不成的，提交深圳国际仲裁院仲裁。", "", "甲方（盖章）：深圳市示例科技有限公司",
         "乙方（盖章）：示例销售有限公司", "联系人电话：0755-86013388"}}},
      {"quotation.pdf", "报价单  工业传感器",
       {{"报价编号：BJ-2026-0102", "客户：深圳市示例科技有限公司（C0001）", "报价日期：2026 年 2 月 3 日", "",
         "产品：工业温湿度传感器 TS-200", "数量：200 台", "单价：320.00 元", "小计：64,000.00 元"},
        {"产品：安装与调试服务", "数量：1 项", "单价：8,000.00 元", "", "合计：72,000.00 元（含税）",
         "报价有效期：30 天", "备注：交货期为合同签订后 15 个工作日。"}}},
      {"order.pdf", "订单  Order 2026-0042",
       {{"订单编号：DD-2026-0042", "客户：华东示例制造有限公司（C0002）", "下单日期：2026 年 3 月 1 日", "",
         "工业传感器 TS-200  200 台  单价 320.00 元", "安装服务  1 项  8,000.00 元"},
        {"交货地址：上海市浦东新区示例路 88 号", "收货人：陈先生  021-55550123", "", "订单金额：72,000.00 元",
         "付款条件：验收后 30 日内付款。"}}},
  };
  for (const auto& s : samples) {
    if (!Write(dir, font, s)) {
      std::fprintf(stderr, "vault_demo_docs: cannot write %s/%s\n", dir.c_str(), s.file);
      return 1;
    }
  }
  return 0;
}
