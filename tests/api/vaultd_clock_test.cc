// vaultd with an injected clock (ServerOptions::clock): a loan falls due,
// is refused and moves to overdue when the test moves the clock, without
// sleeping; the same clock drives sessions, the policy and the register.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;

class VaultdClockTest : public testing::VaultdTest {
 protected:
  void ConfigureVault(LocalVaultConfig& config) override { config.clock = &clock_; }
  void Configure(vaultd::ServerOptions& opts) override {
    opts.clock = &clock_;
    opts.borrow_schedule_seconds = 0;
  }

  FakeClock clock_{std::chrono::system_clock::now()};
};

TEST_F(VaultdClockTest, ALoanFallsDueWhenTheInjectedClockMoves) {
  IngestRequest r;
  r.meta.customer_number = "C007";
  r.meta.doc_type = "contract";
  r.meta.title = "华南框架合同";
  r.meta.department = "华南销售部";
  r.meta.classification = "internal";
  StringSource src(testing::MakePdf({{}, {842, 595, 90, true}}));
  DocumentRecord pdf = std::move(lv_->vault().Ingest(r, src)).value();
  ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C007").ok());
  std::string staff = Login("staff_s");
  Reply req = Call("POST", "/api/v1/borrows", staff,
                   R"({"documents":[")" + pdf.id + R"("],"purpose":"核对条款","period":"P7D","kind":"electronic"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  ASSERT_EQ(Call("POST", "/api/v1/borrows/" + id + "/approve", Login("manager_s"), R"({"note":"同意"})").status, 200);
  Reply issued = Call("POST", "/api/v1/borrows/" + id + "/issue", Login("archivist"));
  ASSERT_EQ(issued.status, 200) << issued.body;
  TimePoint due;
  ASSERT_TRUE(ParseUtc(issued.json()->getValue<std::string>("due_at"), &due));
  EXPECT_EQ(due - clock_.Now() > std::chrono::hours(24 * 7 - 1), true) << "due in 7 days of the injected clock";
  EXPECT_EQ(Call("GET", "/api/v1/borrows/" + id + "/copy", staff).status, 200);

  clock_.Advance(std::chrono::hours(24 * 7) + std::chrono::minutes(1));
  // Sessions expire on the same clock (8 hours): the old token is refused.
  EXPECT_EQ(Call("GET", "/api/v1/borrows/" + id, staff).status, 401);
  staff = Login("staff_s");
  Reply late = Call("GET", "/api/v1/borrows/" + id + "/copy", staff);
  EXPECT_EQ(late.status, 403) << late.body;
  EXPECT_EQ(late.error_code(), "borrow.overdue");
  ASSERT_TRUE(server_->borrows()->RunSchedule().ok());
  EXPECT_EQ(Call("GET", "/api/v1/borrows/" + id, staff).json()->getValue<std::string>("state"), "overdue");
  // The register is stamped with the injected time too.
  Reply reg = Call("GET", "/api/v1/borrows/register?format=pdf", Login("archivist"));
  EXPECT_EQ(reg.status, 200);
}

}  // namespace
}  // namespace vault
