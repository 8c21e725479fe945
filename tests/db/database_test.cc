#include "vault/db/database.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/filesystem.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "tests/support/test_database.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/db/client.h"
#include "vault/local/local_vault.h"

using namespace Poco::Data::Keywords;

namespace vault {
namespace {

namespace fs = boost::filesystem;
using ::vault::testing::IsOk;
using ::vault::testing::StatusIs;
using ::vault::testing::TempDir;

// Open file descriptors of this process on `path` itself (not -wal, -shm):
// SQLite keeps one per connection.
int OpenDescriptorsOn(const std::string& path) {
  const std::string want = fs::canonical(path).string();
  int n = 0;
  for (fs::directory_iterator it("/proc/self/fd"), end; it != end; ++it) {
    boost::system::error_code ec;
    fs::path target = fs::read_symlink(it->path(), ec);
    if (!ec && target.string() == want) ++n;
  }
  return n;
}

TEST(DatabaseTest, OneVaultOpensOneWriterAndTheConfiguredReadersWhateverItsStores) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "inspects the SQLite file itself";
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  const std::string db = config.data_dir + "/metadata.db";
  for (int readers : {1, 2, 4}) {
    const int before = OpenDescriptorsOn(db);
    config.db_readers = readers;
    auto vault = LocalVault::Open(config);
    ASSERT_THAT(vault.status(), IsOk());
    // Seven stores share it; before vault/db each opened its own connection.
    EXPECT_EQ(OpenDescriptorsOn(db) - before, 1 + readers) << readers << " readers";
    EXPECT_EQ((*vault)->database().connections(), 1 + readers);
    // Using every store opens nothing more.
    ASSERT_THAT((*vault)->audit().Append({"a", "admin", "test.action", "x", "ok", "cli", "", ""}).status(), IsOk());
    ASSERT_THAT((*vault)->identity().ListUsers().status(), IsOk());
    ASSERT_THAT((*vault)->role_grants().List(false).status(), IsOk());
    ASSERT_THAT((*vault)->exports().ForDocument("d").status(), IsOk());
    ASSERT_THAT((*vault)->borrows().OnLoan().status(), IsOk());
    ASSERT_THAT((*vault)->destructions().Holds(false).status(), IsOk());
    ASSERT_THAT((*vault)->metadata().AllVersions().status(), IsOk());
    EXPECT_EQ(OpenDescriptorsOn(db) - before, 1 + readers);
  }
}

class DatabaseClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(db::Database::Open(testing::TestDatabase(dir_, "m.db"))).value();
    client_ = std::make_unique<db::Client>(db_, "test.db_error", "test");
  }
  int64_t Count() {
    auto n = client_->Read([](db::Connection& c) -> StatusOr<int64_t> {
      Poco::Int64 v = 0;
      c << "SELECT COUNT(*) FROM destroyed_keks", into(v), now;
      return static_cast<int64_t>(v);
    });
    return n.ok() ? *n : -1;
  }
  Status Insert(const std::string& id) {
    return client_->Write([&](db::Connection& c) -> Status {
      c << "INSERT INTO destroyed_keks (kek_id, destroyed_at) VALUES (?, 'now')", bind(id), now;
      return Status::Ok();
    });
  }
  TempDir dir_;
  std::shared_ptr<db::Database> db_;
  std::unique_ptr<db::Client> client_;
};

// The reason for the read pool: with synchronous=FULL a commit holds the
// write connection through its fsync, and reads must not queue behind it.
TEST_F(DatabaseClientTest, ReadsDoNotWaitForAWriteInProgress) {
  std::promise<void> writing, release;
  std::shared_future<void> released = release.get_future().share();
  auto writer = std::async(std::launch::async, [&] {
    return client_->Write([&](db::Connection& c) -> Status {
      c << "INSERT INTO destroyed_keks (kek_id, destroyed_at) VALUES ('k1', 'now')", now;
      writing.set_value();
      released.wait();
      return Status::Ok();
    });
  });
  writing.get_future().wait();
  auto reader = std::async(std::launch::async, [&] { return Count(); });
  ASSERT_EQ(reader.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "the read waited for the write";
  EXPECT_EQ(reader.get(), 0);  // the last committed snapshot
  release.set_value();
  EXPECT_THAT(writer.get(), IsOk());
  EXPECT_EQ(Count(), 1);  // committed, so every later read sees it
}

TEST_F(DatabaseClientTest, AFailedTransactionLeavesNothing) {
  Status st = client_->Write([&](db::Connection& c) -> Status {
    c << "INSERT INTO destroyed_keks (kek_id, destroyed_at) VALUES ('k1', 'now')", now;
    return FailedPreconditionError("test.refused", "changed my mind");
  });
  EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition, "test.refused"));
  EXPECT_EQ(Count(), 0);
  // A database error is the store's reason, and the write connection is free.
  EXPECT_THAT(Insert("k1"), IsOk());
  EXPECT_THAT(Insert("k1"), StatusIs(StatusCode::kUnavailable, "test.db_error"));
  EXPECT_EQ(Count(), 1);
}

TEST_F(DatabaseClientTest, AWriteInsideAWriteFailsInsteadOfHanging) {
  Status st = client_->Write([&](db::Connection&) -> Status { return Insert("k1"); });
  EXPECT_THAT(st, StatusIs(StatusCode::kUnavailable, "test.db_error"));
  EXPECT_EQ(Count(), 0);
}

TEST_F(DatabaseClientTest, ReadConnectionsRefuseWrites) {
  Status st = client_->Read([&](db::Connection& c) -> Status {
    c << "INSERT INTO destroyed_keks (kek_id, destroyed_at) VALUES ('k1', 'now')", now;
    return Status::Ok();
  });
  EXPECT_THAT(st, StatusIs(StatusCode::kUnavailable, "test.db_error"));
  EXPECT_EQ(Count(), 0);
}

TEST_F(DatabaseClientTest, CheckpointTruncatesTheLog) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "inspects the SQLite file itself";
  ASSERT_THAT(Insert("k1"), IsOk());
  EXPECT_GT(fs::file_size(dir_.Join("m.db-wal")), 0u);
  EXPECT_THAT(client_->CheckpointTruncate("test.busy", "busy"), IsOk());
  EXPECT_EQ(fs::file_size(dir_.Join("m.db-wal")), 0u);
}

}  // namespace
}  // namespace vault

namespace vault {
namespace {

// A PostgreSQL server restart or a network cut breaks every connection of
// every node: the requests using them fail, and the next ones work again
// without restarting vaultd.
TEST(DatabaseReconnectTest, ConnectionsTheServerDroppedAreReplacedOnTheNextUse) {
  if (!testing::TestOnPostgres()) GTEST_SKIP() << "PostgreSQL connections";
  TempDir dir;
  db::DatabaseOptions options;
  options.readers = 1;
  auto db = std::move(db::Database::Open(testing::TestDatabase(dir, "m.db"), options)).value();
  db::Client client(db, "test.db_error", "test");
  auto pid_of = [](db::Connection& c) -> StatusOr<int64_t> {
    Poco::Int64 pid = 0;
    c << "SELECT pg_backend_pid()", into(pid), now;
    return static_cast<int64_t>(pid);
  };
  auto insert = [&](const std::string& id) {
    return client.Write([&](db::Connection& c) -> Status {
      c << "INSERT INTO destroyed_keks (kek_id, destroyed_at) VALUES (?, 'now')", bind(id), now;
      return Status::Ok();
    });
  };
  const int64_t reader = client.Read(pid_of).value();
  const int64_t writer = client.Write(pid_of).value();
  ASSERT_NE(reader, writer);
  testing::ExecSql(testing::TestDatabase(dir, "m.db"), "SELECT pg_terminate_backend(" + std::to_string(reader) +
                                                           "), pg_terminate_backend(" + std::to_string(writer) + ")");
  // The first use of each broken connection fails and repairs it.
  Status first_write = insert("k1");
  if (!first_write.ok()) {
    EXPECT_EQ(first_write.reason(), "test.db_error");
    ASSERT_THAT(insert("k1"), IsOk());
  }
  auto first_read = client.Read(pid_of);
  if (!first_read.ok()) first_read = client.Read(pid_of);
  ASSERT_THAT(first_read.status(), IsOk());
  EXPECT_NE(*first_read, reader) << "a new server session";
  // Prepared statements are compiled again on the new session.
  auto count = client.Read([](db::Connection& c) -> StatusOr<int64_t> {
    db::PreparedQuery q = c.Prepared("SELECT COUNT(*) AS n FROM destroyed_keks WHERE kek_id = ?");
    q.Bind(1, std::string("k1"));
    if (!q.Step()) return int64_t{-1};
    return q.Int("n");
  });
  ASSERT_THAT(count.status(), IsOk());
  EXPECT_EQ(*count, 1);
}

}  // namespace
}  // namespace vault
