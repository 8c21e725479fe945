#include "vault/keys/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/keys/file_key_ring.h"
#include "vault/keys/passphrase_key_ring.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::TempDir;

BlobBinding Binding(uint8_t doc, uint32_t version) {
  BlobBinding b;
  b.document_id.fill(doc);
  b.version = version;
  return b;
}

bool SameKey(const SecretKey& a, const SecretKey& b) {
  return ConstantTimeEquals(a.secret_bytes(), b.secret_bytes(), SecretKey::kSize);
}

TEST(KeyRingTest, WrapUnwrapRoundTrip) {
  MemoryKeyRing ring(SystemClock());
  SecretKey dek = SecretKey::Random();
  auto w = ring.Wrap(dek, Binding(1, 1));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->kek_id, ring.PrimaryId());
  auto back = ring.Unwrap(*w, Binding(1, 1));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(SameKey(*back, dek));
}

TEST(KeyRingTest, WrappedKeyBoundToDocumentAndVersion) {
  MemoryKeyRing ring(SystemClock());
  auto w = ring.Wrap(SecretKey::Random(), Binding(1, 1));
  EXPECT_THAT(ring.Unwrap(*w, Binding(2, 1)), StatusIs(StatusCode::kDataLoss, "key.unwrap_failed"));
  EXPECT_THAT(ring.Unwrap(*w, Binding(1, 2)), StatusIs(StatusCode::kDataLoss, "key.unwrap_failed"));
  WrappedKey tampered = *w;
  tampered.bytes[30] ^= 1;
  EXPECT_THAT(ring.Unwrap(tampered, Binding(1, 1)), StatusIs(StatusCode::kDataLoss, "key.unwrap_failed"));
  WrappedKey short_key = *w;
  short_key.bytes.resize(10);
  EXPECT_THAT(ring.Unwrap(short_key, Binding(1, 1)), StatusIs(StatusCode::kDataLoss, "key.unwrap_failed"));
}

TEST(KeyRingTest, RotateKeepsOldKeysUntilDestroyed) {
  MemoryKeyRing ring(SystemClock());
  std::string old_id = ring.PrimaryId();
  SecretKey dek = SecretKey::Random();
  auto w = ring.Wrap(dek, Binding(1, 1));
  auto new_id = ring.Rotate();
  ASSERT_TRUE(new_id.ok());
  EXPECT_NE(*new_id, old_id);
  EXPECT_EQ(ring.PrimaryId(), *new_id);
  EXPECT_TRUE(ring.Unwrap(*w, Binding(1, 1)).ok());
  EXPECT_THAT(ring.Destroy(*new_id), StatusIs(StatusCode::kFailedPrecondition, "key.is_primary"));
  ASSERT_TRUE(ring.Destroy(old_id).ok());
  EXPECT_THAT(ring.Unwrap(*w, Binding(1, 1)), StatusIs(StatusCode::kFailedPrecondition, "key.unknown_kek"));
}

TEST(FileKeyRingTest, CreatesMode0600AndReloads) {
  TempDir dir;
  std::string path = dir.Join("master.key");
  auto ring = FileKeyRing::Create(path, SystemClock());
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  SecretKey dek = SecretKey::Random();
  auto w = (*ring)->Wrap(dek, Binding(3, 1));
  auto again = FileKeyRing::Open(path, SystemClock());
  ASSERT_TRUE(again.ok());
  auto back = (*again)->Unwrap(*w, Binding(3, 1));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(SameKey(*back, dek));
  EXPECT_THAT(FileKeyRing::Create(path, SystemClock()), StatusIs(StatusCode::kAlreadyExists, "key.file_exists"));
}

TEST(FileKeyRingTest, RotationAndDestructionPersist) {
  TempDir dir;
  std::string path = dir.Join("master.key");
  auto ring = FileKeyRing::Create(path, SystemClock());
  std::string old_id = (*ring)->PrimaryId();
  auto new_id = (*ring)->Rotate();
  ASSERT_TRUE(new_id.ok());
  auto reloaded = FileKeyRing::Open(path, SystemClock());
  EXPECT_EQ((*reloaded)->PrimaryId(), *new_id);
  EXPECT_EQ((*reloaded)->List().size(), 2u);
  ASSERT_TRUE((*reloaded)->Destroy(old_id).ok());
  auto final_ring = FileKeyRing::Open(path, SystemClock());
  EXPECT_EQ((*final_ring)->List().size(), 1u);
  EXPECT_EQ(testing::ReadFile(path).find(old_id), std::string::npos);
}

TEST(FileKeyRingTest, RefusesGroupReadableKeyFile) {
  TempDir dir;
  std::string path = dir.Join("master.key");
  ASSERT_TRUE(FileKeyRing::Create(path, SystemClock()).ok());
  ::chmod(path.c_str(), 0644);
  EXPECT_THAT(FileKeyRing::Open(path, SystemClock()),
              StatusIs(StatusCode::kFailedPrecondition, "key.file_permissions"));
}

TEST(FileKeyRingTest, RejectsMalformedKeyFile) {
  TempDir dir;
  std::string path = dir.Join("bad.key");
  testing::WriteFile(path, "kek kek-1 primary 2026-01-01T00:00:00Z abcd\n");
  ::chmod(path.c_str(), 0600);
  auto r = FileKeyRing::Open(path, SystemClock());
  EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument, "key.file_invalid"));
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
  EXPECT_THAT(FileKeyRing::Open(dir.Join("none.key"), SystemClock()), StatusIs(StatusCode::kNotFound));
}

TEST(PassphraseKeyRingTest, DerivesSameKeyAndRejectsWrongPassphrase) {
  TempDir dir;
  std::string params = dir.Join("kek-params");
  Argon2Params cheap{1, 8u << 20};
  auto ring = PassphraseKeyRing::Create(params, "correct horse battery", cheap, SystemClock());
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  SecretKey dek = SecretKey::Random();
  auto w = (*ring)->Wrap(dek, Binding(4, 1));
  auto again = PassphraseKeyRing::Open(params, "correct horse battery", SystemClock());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(SameKey(*(*again)->Unwrap(*w, Binding(4, 1)), dek));
  EXPECT_THAT(PassphraseKeyRing::Open(params, "wrong horse battery", SystemClock()),
              StatusIs(StatusCode::kPermissionDenied, "key.wrong_passphrase"));
  EXPECT_THAT(PassphraseKeyRing::Create(dir.Join("p2"), "short", cheap, SystemClock()),
              StatusIs(StatusCode::kInvalidArgument, "key.weak_passphrase"));
  EXPECT_THAT((*again)->Rotate(), StatusIs(StatusCode::kFailedPrecondition, "key.rotate_unsupported"));
  // The parameters file holds no key material: only salt, costs, id, check.
  std::string text = testing::ReadFile(params);
  EXPECT_EQ(text.rfind("argon2id-v1 ", 0), 0u);
}

}  // namespace
}  // namespace vault
