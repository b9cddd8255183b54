// The log's wire codec: what the routes write, the command line reads back, strictly.
#include "server/app/wire_log.h"

#include <gtest/gtest.h>

#include <cctype>

namespace candor::app::api {
namespace {

tlog::Hash H(std::uint8_t b) {
  tlog::Hash h;
  h.bytes.fill(b);
  return h;
}

std::string Refusal(const Result<InclusionProofJson>& r) {
  return r.ok() ? "accepted" : r.error().message();
}

TEST(WireLog, ProofsRoundTripAndKeepTheirDocumentedShape) {
  const InclusionProofJson in{7, 12, H(1), H(2), {H(3), H(4)}};
  const Json j = InclusionProofToJson(in);
  EXPECT_EQ(j.dump(), R"({"index":7,"leaf_hash":")" + crypto::ToHex(H(1)) + R"(","proof":[")" +
                          crypto::ToHex(H(3)) + R"(",")" + crypto::ToHex(H(4)) + R"("],"root":")" +
                          crypto::ToHex(H(2)) + R"(","tree_size":12,"type":"inclusion"})");
  auto back = InclusionProofFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->index, 7u);
  EXPECT_EQ(back->tree_size, 12u);
  EXPECT_EQ(back->root, H(2));
  EXPECT_EQ(back->proof.size(), 2u);

  const ConsistencyProofJson c{3, 9, H(5), H(6), {H(7)}};
  auto c_back = ConsistencyProofFromJson(ConsistencyProofToJson(c));
  ASSERT_TRUE(c_back.ok());
  EXPECT_EQ(c_back->old_size, 3u);
  EXPECT_EQ(c_back->new_root, H(6));

  const IncludedJson included{40, {{5, crypto::Bytes{1, 2, 3}, {H(8)}}}};
  auto i_back = IncludedFromJson(IncludedToJson(included));
  ASSERT_TRUE(i_back.ok());
  ASSERT_EQ(i_back->entries.size(), 1u);
  EXPECT_EQ(i_back->entries[0].entry, (crypto::Bytes{1, 2, 3}));
}

TEST(WireLog, AnAnswerOfAnotherShapeIsRefusedAndNamed) {
  const Json good = InclusionProofToJson({7, 12, H(1), H(2), {H(3)}});
  auto with = [&](const char* field, const Json& value) {
    Json j = good;
    j[field] = value;
    return InclusionProofFromJson(j);
  };
  EXPECT_EQ(Refusal(with("extra", 1)), "unknown field 'extra' in the inclusion proof");
  EXPECT_EQ(Refusal(with("index", "7")),
            "'index' in the inclusion proof must be a whole number ≥ 0");
  EXPECT_EQ(Refusal(with("type", "consistency")),
            "the inclusion proof is of type 'consistency', not 'inclusion'");
  EXPECT_EQ(Refusal(with("root", crypto::ToHex(H(2)).substr(2))),
            "the inclusion proof: 'root' must be 64 hex characters, got 62");
  std::string upper = crypto::ToHex(H(0xab));
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_NE(Refusal(with("root", upper)), "accepted");
  Json long_path = Json::array();
  for (int k = 0; k < 65; ++k) long_path.push_back(crypto::ToHex(H(1)));
  EXPECT_NE(Refusal(with("proof", long_path)).find("at most 64"), std::string::npos);
  Json missing = good;
  missing.erase("leaf_hash");
  EXPECT_EQ(Refusal(InclusionProofFromJson(missing)),
            "the inclusion proof lacks the field 'leaf_hash'");
  // A proof file written before "type" existed is still read.
  Json untyped = good;
  untyped.erase("type");
  EXPECT_TRUE(InclusionProofFromJson(untyped).ok());
  EXPECT_FALSE(ConsistencyProofFromJson(good).ok());
  EXPECT_FALSE(IncludedFromJson(Json{{"tree_size", 1}, {"entries", {{{"index", 0}}}}}).ok());
}

}  // namespace
}  // namespace candor::app::api
