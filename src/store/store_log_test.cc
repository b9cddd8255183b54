// LogTables (sql_log.cc): entries, nodes, tree heads, on both engines.
#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace candor::store {
namespace {

using storetest::Account;
using storetest::Bytes;
using storetest::Engine;
using storetest::Org;
using storetest::StoreTest;

TEST_P(StoreTest, LogEntriesRoundTripWithZeroBytes) {
  std::vector<LogEntryRecord> entries;
  for (int i = 0; i < 5; ++i) {
    entries.push_back({i,
                       Bytes(static_cast<std::size_t>(1 + 100 * i), static_cast<std::uint8_t>(i)),
                       Bytes(32, static_cast<std::uint8_t>(50 + i))});
  }
  entries[0].entry = Blob{0};  // a single zero byte
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(std::int64_t empty, tx->LogSize());
  EXPECT_EQ(empty, 0);
  for (const auto& e : entries) ASSERT_OK(tx->AppendLogEntry(e));
  ASSERT_OK_AND_ASSIGN(std::int64_t in_tx, tx->LogSize());
  EXPECT_EQ(in_tx, 5);  // a transaction sees its own writes
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, 5);
  ASSERT_OK_AND_ASSIGN(auto all, rx->ReadLogEntries(0, 5));
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].index, entries[i].index);
    EXPECT_EQ(all[i].entry, entries[i].entry);
    EXPECT_EQ(all[i].leaf_hash, entries[i].leaf_hash);
  }
  ASSERT_OK_AND_ASSIGN(auto middle, rx->ReadLogEntries(1, 3));
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(middle[0].index, 1);
  EXPECT_EQ(middle[1].index, 2);
  ASSERT_OK_AND_ASSIGN(auto past_end, rx->ReadLogEntries(3, 100));
  EXPECT_EQ(past_end.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto none, rx->ReadLogEntries(2, 2));
  EXPECT_TRUE(none.empty());
  EXPECT_CODE(rx->ReadLogEntries(3, 2), ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, AppendLogEntryWithAWrongIndexIsRefused) {
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->AppendLogEntry({0, Bytes(10, 1), Bytes(32, 2)}));
    ASSERT_OK(tx->Commit());
  }
  for (std::int64_t wrong : {0, 2, -1, 1000}) {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->AppendLogEntry({wrong, Bytes(10, 3), Bytes(32, 4)}),
                ErrorCode::kInvalidArgument)
        << "index " << wrong;
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, 1);
}

TEST_P(StoreTest, LogNodesRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  const Blob h00 = Bytes(32, 1), h01 = Bytes(32, 2), h10 = Bytes(32, 3);
  ASSERT_OK(tx->PutLogNode(0, 0, h00));
  ASSERT_OK(tx->PutLogNode(0, 1, h01));
  ASSERT_OK(tx->PutLogNode(1, 0, h10));
  ASSERT_OK(tx->PutLogNode(63, (std::int64_t{1} << 62), h10));
  ASSERT_OK(tx->PutLogNode(0, 0, h00));  // the same hash again: a no-op
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto n00, rx->GetLogNode(0, 0));
  ASSERT_OK_AND_ASSIGN(auto n01, rx->GetLogNode(0, 1));
  ASSERT_OK_AND_ASSIGN(auto n10, rx->GetLogNode(1, 0));
  ASSERT_OK_AND_ASSIGN(auto high, rx->GetLogNode(63, std::int64_t{1} << 62));
  ASSERT_OK_AND_ASSIGN(auto missing, rx->GetLogNode(1, 1));
  EXPECT_EQ(n00, h00);
  EXPECT_EQ(n01, h01);
  EXPECT_EQ(n10, h10);
  EXPECT_EQ(high, h10);
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(wx->PutLogNode(0, 0, h01), ErrorCode::kAlreadyExists);  // a node never changes
}

TEST_P(StoreTest, TreeHeadsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto none, tx->LatestTreeHead());
  EXPECT_FALSE(none.has_value());
  const TreeHeadRecord h1{1, Bytes(32, 1), 1'700'000'000'000, Bytes(64, 2)};
  const TreeHeadRecord h7{7, Bytes(32, 3), 1'700'000'001'000, Bytes(64, 4)};
  const TreeHeadRecord h3{3, Bytes(32, 5), 1'700'000'000'500, Bytes(64, 6)};
  ASSERT_OK(tx->InsertTreeHead(h1));
  ASSERT_OK(tx->InsertTreeHead(h7));
  ASSERT_OK(tx->InsertTreeHead(h3));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto latest, rx->LatestTreeHead());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->tree_size, 7);  // the largest tree, whatever the insertion order
  EXPECT_EQ(latest->root, h7.root);
  EXPECT_EQ(latest->timestamp_ms, h7.timestamp_ms);
  EXPECT_EQ(latest->signature, h7.signature);
  ASSERT_OK_AND_ASSIGN(auto three, rx->FindTreeHead(3));
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->root, h3.root);
  EXPECT_EQ(three->signature, h3.signature);
  ASSERT_OK_AND_ASSIGN(auto four, rx->FindTreeHead(4));
  EXPECT_FALSE(four.has_value());
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(wx->InsertTreeHead(h3), ErrorCode::kAlreadyExists);
}

// --- Settings ---

}  // namespace
}  // namespace candor::store
