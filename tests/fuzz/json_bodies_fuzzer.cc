// libFuzzer target for the JSON request bodies of the route table: the first
// byte picks a route's body parser, the rest is the body as sent. Each body
// goes through the parse every handler uses (ParseJsonObject, as
// Exchange::JsonBody) and then that route's own reading of the object
// (api/vaultd/request_bodies.h, document_metadata.h, Exchange::StringFields).
// Every input gives a request or a Status, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "api/vaultd/document_metadata.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/request_bodies.h"

namespace {

// The string-member bodies, with the members their handlers take.
void StringBody(const Poco::JSON::Object::Ptr& body, uint8_t which) {
  std::string a, b, c, d, e, f;
  switch (which % 6) {
    case 0:  // POST /api/v1/users
      (void)vaultd::Exchange::StringFields(body, {{"username", &a}, {"display_name", &b}, {"role", &c},
                                                  {"department", &d}, {"clearance", &e}, {"password", &f}});
      break;
    case 1:  // POST /api/v1/departments
      (void)vaultd::Exchange::StringFields(body, {{"name", &a}, {"display_name", &b}});
      break;
    case 2:  // POST /api/v1/certificates/verify
      (void)vaultd::Exchange::StringFields(body, {{"certificate", &a}, {"signature", &b}});
      break;
    case 3:  // POST /api/v1/holds
      (void)vaultd::Exchange::StringFields(body, {{"scope", &a}, {"target", &b}, {"reason", &c}});
      break;
    case 4:  // loan steps with optional string members
      (void)vaultd::Exchange::StringFields(body, {{"comment", &a}, {"reason", &b}, {"period", &c}, {"within", &d}});
      break;
    default:  // the single-member bodies (note, witness, reference, kek_id, period, customer)
      (void)vaultd::Exchange::StringFields(body, {{"note", &a}, {"witness", &b}, {"reference", &c}, {"kek_id", &d},
                                                  {"period", &e}, {"customer", &f}});
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024 + 1) return 0;  // JsonBody refuses larger bodies unread
  const uint8_t route = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto body = vaultd::ParseJsonObject(text);
  if (!body.ok()) return 0;
  switch (route % 9) {
    case 0: {
      vault::DocumentMetadata meta;  // upload metadata, POST /api/v1/documents/validation
      (void)vaultd::ParseDocumentMetadata(*body, &meta);
      break;
    }
    case 1: {
      vault::BorrowRequest req;
      (void)vaultd::ParseBorrowRequest(*body, &req);
      break;
    }
    case 2: {
      std::vector<int64_t> pages;
      (void)vaultd::ParseIssuePages(*body, &pages);
      break;
    }
    case 3: {
      vault::ReturnInput in;
      (void)vaultd::ParseReturnJson(*body, &in);
      break;
    }
    case 4: {
      vault::ExportRequest req;
      (void)vaultd::ParseExportRequest(*body, &req);
      break;
    }
    case 5: {
      vault::DestructionRequest req;
      (void)vaultd::ParseDestructionRequest(*body, &req);
      break;
    }
    case 6: {
      std::string document_id;
      vault::QualityCheck check;
      (void)vaultd::ParseQualityCheck(*body, &document_id, &check);
      break;
    }
    default:
      StringBody(*body, static_cast<uint8_t>(route / 9));
      break;
  }
  return 0;
}
