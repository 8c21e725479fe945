// Signed files that auditors check with stock tools: the raw Ed25519
// signature with `openssl pkeyutl -verify -rawin` and the minisign
// signature with `minisign -V`; one changed byte fails both.
#include "vault/keys/minisign.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"

namespace vault {
namespace {

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

int Shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

TEST(MinisignTest, OpensslAndMinisignVerifyAndRejectAChangedByte) {
  testing::TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  auto lv = std::move(LocalVault::Open(config)).value();
  auto signer = std::move(Signer::FromKeyRing(lv->keys(), "certificate")).value();
  const std::string cert = R"({"archive_numbers":["C009_HT_0001"],"method":"crypto erase + overwrite","title":"销毁证明"})";
  const std::string d = dir.path();
  Write(d + "/cert.json", cert);
  const Signer::Signature raw = signer->Sign(cert);
  Write(d + "/cert.json.sig", std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
  Write(d + "/cert.json.minisig", MinisignSignature(*signer, cert, "sales-vault certificate 测试"));
  Write(d + "/signing.pem", Ed25519PublicKeyPem(signer->public_key()));
  Write(d + "/vault.pub", MinisignPublicKey(signer->public_key()));
  const std::string openssl = "openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                              "/cert.json -sigfile " + d + "/cert.json.sig";
  const std::string minisign = "minisign -Vm " + d + "/cert.json -p " + d + "/vault.pub";
  ASSERT_EQ(Shell("command -v minisign"), 0) << "minisign is installed by scripts/deps.sh";
  EXPECT_EQ(Shell(openssl), 0);
  EXPECT_EQ(Shell(minisign), 0);
  std::string changed = cert;
  changed[10] ^= 1;
  Write(d + "/cert.json", changed);
  EXPECT_NE(Shell(openssl), 0);
  EXPECT_NE(Shell(minisign), 0);
  // Another vault's key does not verify this vault's signature.
  Write(d + "/cert.json", cert);
  testing::TempDir other_dir;
  auto other = std::move(LocalVault::Open(testing::InitTestVault(other_dir))).value();
  auto other_signer = std::move(Signer::FromKeyRing(other->keys(), "certificate")).value();
  Write(d + "/vault.pub", MinisignPublicKey(other_signer->public_key()));
  EXPECT_NE(Shell(minisign), 0);
}

TEST(MinisignTest, KeyIdIsStableAndSharedByKeyAndSignature) {
  Signer::PublicKey key{};
  key[0] = 7;
  EXPECT_EQ(MinisignKeyIdOf(key), MinisignKeyIdOf(key));
  const std::string pub = MinisignPublicKey(key);
  EXPECT_EQ(pub.rfind("untrusted comment: minisign public key ", 0), 0u);
  EXPECT_EQ(std::count(pub.begin(), pub.end(), '\n'), 2);
}

}  // namespace
}  // namespace vault
