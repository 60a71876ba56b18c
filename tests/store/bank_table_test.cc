// The banks' tables: rows in and out as stored, the generation, and changes that land whole.
#include "cordon/store/bank_table.h"

#include <gtest/gtest.h>

#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon {
namespace {

class BankTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("banks.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  BankEntryRow Row(const std::string& type, const std::string& signal) {
    BankEntryRow r;
    r.signal_type = type;
    r.signal = signal;
    r.added = 7;
    return r;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(BankTableTest, BanksEntriesAndGeneration) {
  EXPECT_EQ(*ReadBankGeneration(*store_), 0);
  ASSERT_TRUE(UpsertBank(*store_, {"b", "label-b", "", 100}).ok());
  ASSERT_TRUE(UpsertBank(*store_, {"a", "", "from a feed", 200}).ok());
  auto bumped = BumpBankGeneration(*store_, "a");
  ASSERT_TRUE(bumped.ok());
  EXPECT_TRUE(*bumped);
  EXPECT_FALSE(*BumpBankGeneration(*store_, "nosuch"));  // bumps all the same
  EXPECT_EQ(*ReadBankGeneration(*store_), 2);

  BankEntryWriter writer(*store_);
  ASSERT_TRUE(writer.status().ok()) << writer.status().ToString();
  BankEntryRow text = Row("text", "some text");
  text.label = "l";
  text.provenance = "p";
  text.digest = "d";
  text.fingerprint = "f";
  ASSERT_TRUE(writer.Put("a", text).ok());
  ASSERT_TRUE(writer.Put("a", Row("md5", "00112233445566778899aabbccddeeff")).ok());
  ASSERT_TRUE(writer.Put("b", Row("md5", "00112233445566778899aabbccddeeff")).ok());
  // Again: the label and provenance move, the added time and digest stay.
  BankEntryRow again = text;
  again.label = "l2";
  again.provenance = "";
  again.added = 99;
  again.digest = "other";
  ASSERT_TRUE(writer.Put("a", again).ok());
  EXPECT_EQ(*CountBankEntries(*store_, "a"), 2);

  auto banks = ReadBanks(*store_);
  ASSERT_TRUE(banks.ok());
  ASSERT_EQ(banks->size(), 2u);
  EXPECT_EQ((*banks)[0].name, "a");
  EXPECT_EQ((*banks)[0].provenance, "from a feed");
  EXPECT_EQ((*banks)[0].created, 200);
  EXPECT_EQ((*banks)[0].version, 1);
  EXPECT_EQ((*banks)[0].entries, 2);
  EXPECT_EQ((*banks)[1].label, "label-b");
  EXPECT_EQ((*banks)[1].version, 0);

  std::vector<BankEntryRow> rows;
  ASSERT_TRUE(ForEachBankEntryRow(*store_, "a", [&](const BankEntryRow& r) {
                rows.push_back(r);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(rows.size(), 2u);  // (signal_type, signal) order
  EXPECT_EQ(rows[0].signal_type, "md5");
  EXPECT_EQ(rows[0].label, "");
  EXPECT_EQ(rows[0].digest, "");
  EXPECT_EQ(rows[1].signal_type, "text");
  EXPECT_EQ(rows[1].label, "l2");
  EXPECT_EQ(rows[1].provenance, "");
  EXPECT_EQ(rows[1].added, 7);
  EXPECT_EQ(rows[1].digest, "d");
  EXPECT_EQ(rows[1].fingerprint, "f");
  int calls = 0;
  Status stop = ForEachBankEntryRow(*store_, "a", [&](const BankEntryRow&) {
    ++calls;
    return Status::Corrupt("stop");
  });
  EXPECT_EQ(stop.code(), StatusCode::kCorrupt);
  EXPECT_EQ(calls, 1);

  auto removed = DeleteBankEntryRows(
      *store_, "a", {{"md5", "00112233445566778899aabbccddeeff"}, {"pdq", "missing"}});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ(*CountBankEntries(*store_, "b"), 1);

  EXPECT_FALSE(*DeleteBankRows(*store_, "nosuch"));
  EXPECT_TRUE(*DeleteBankRows(*store_, "a"));
  EXPECT_EQ(*CountBankEntries(*store_, "a"), 0);
  EXPECT_EQ(ReadBanks(*store_)->size(), 1u);
}

TEST_F(BankTableTest, ChangeLandsWholeOrNotAtAll) {
  {
    BankChange change(*store_);
    ASSERT_TRUE(change.status().ok());
    ASSERT_TRUE(UpsertBank(*store_, {"kept", "", "", 1}).ok());
    ASSERT_TRUE(change.Commit().ok());
  }
  {
    BankChange change(*store_);
    ASSERT_TRUE(change.status().ok());
    ASSERT_TRUE(UpsertBank(*store_, {"dropped", "", "", 1}).ok());
    ASSERT_TRUE(BumpBankGeneration(*store_, "dropped").ok());
  }  // no Commit: rolled back
  auto banks = ReadBanks(*store_);
  ASSERT_EQ(banks->size(), 1u);
  EXPECT_EQ((*banks)[0].name, "kept");
  EXPECT_EQ(*ReadBankGeneration(*store_), 0);

  // Inside the caller's transaction, the change goes with it.
  ASSERT_TRUE(store_->Begin().ok());
  {
    BankChange change(*store_);
    ASSERT_TRUE(UpsertBank(*store_, {"inner", "", "", 1}).ok());
    ASSERT_TRUE(change.Commit().ok());
  }
  {
    BankChange change(*store_);
    ASSERT_TRUE(UpsertBank(*store_, {"inner-dropped", "", "", 1}).ok());
  }
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(ReadBanks(*store_)->size(), 2u);
}

TEST_F(BankTableTest, ErrorsNameTheDatabase) {
  ASSERT_TRUE(Exec(StoreHandle(*store_), "DROP TABLE bank_entries").ok());
  BankEntryWriter writer(*store_);
  EXPECT_FALSE(writer.status().ok());
  for (const Status& s : {writer.Put("a", Row("md5", "x")), CountBankEntries(*store_, "a").status(),
                          ReadBanks(*store_).status()}) {
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.where().file.find("banks.db"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace cordon
