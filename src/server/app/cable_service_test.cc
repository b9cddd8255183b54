// CableService on a real store: a cable sealed by the author's client (cli::SealCable) is
// stored, reaches reviewers at the batch, is followed by its author with the receipt alone, and
// spends one quota slot; what other organizations' staff and wrong receipts get.
#include "server/app/cable_service.h"

#include <gtest/gtest.h>

#include "cli/cable_client.h"
#include "server/app/service_testing.h"
#include "server/app/wire_cables.h"

namespace candor::app {
namespace {

class CableServiceTest : public testing::ServiceTest {
 protected:
  void Configure(ServiceConfig& config) override { config.cable_quota = 2; }

  CableService& cables() { return service_->cables(); }

  // What the author's client reads before sealing: the roster of the newest epoch, the
  // reviewers and the quota window.
  cli::CableInputs Inputs(const std::string& slug) {
    cli::CableInputs in;
    in.organization = slug;
    auto roster = service_->GetRoster(slug, std::nullopt);
    EXPECT_TRUE(roster.ok());
    in.roster_version = static_cast<std::uint64_t>(roster->version);
    for (const auto& m : roster->members) {
      in.roster.push_back(*crypto::FixedFromBytes<crypto::Point>(m.ring_public, "key"));
    }
    auto recipients = cables().CableRecipients(slug);
    EXPECT_TRUE(recipients.ok());
    if (recipients.ok()) {
      for (const CableRecipient& r : *recipients) in.reviewers.push_back(r.key);
    }
    CableQuotaView quota = *cables().CableQuota(slug);
    in.quota_window = quota.window;
    in.quota_slots = quota.slots;
    in.used_tags = quota.used;
    in.min_ring = 2;
    in.max_ring = service_->config().max_ring_size;
    return in;
  }

  Result<cli::SealedCable> Seal(const std::string& slug, std::size_t member,
                                const cli::CableInputs& in) {
    cli::CableDraft draft{"Subject", "The body of the cable.", {}, std::nullopt};
    return cli::SealCable(draft, in, members_[slug][member], rng_);
  }

  Result<CableView> Submit(const cli::SealedCable& sealed) {
    CANDOR_ASSIGN_OR_RETURN(CableSubmission sub, api::CableSubmissionFromJson(sealed.request));
    auto view = cables().SubmitCable(sub);
    if (!view.ok()) ADD_FAILURE() << "SubmitCable: " << view.error().message();
    return view;
  }
};

TEST_F(CableServiceTest, ACableReachesReviewersAtTheBatchAndItsAuthorFollowsItWithTheReceipt) {
  MakeOrganization("state", 4);
  const Principal reviewer = SignIn("state", "admin");
  RegisterReviewerKey(reviewer);
  ASSERT_TRUE(service_->PublishBatch().ok());  // the reviewer entry: now in the state

  ASSERT_OK_AND_ASSIGN(cli::SealedCable sealed, Seal("state", 2, Inputs("state")));
  ASSERT_OK_AND_ASSIGN(CableView stored, Submit(sealed));
  EXPECT_EQ(stored.state, "waiting-for-batch");
  EXPECT_EQ(stored.id, sealed.id);
  EXPECT_TRUE(cables().ListCables(reviewer, "state", false)->empty());

  ASSERT_OK_AND_ASSIGN(cli::ReceiptAccess access, cli::AccessFromReceipt(sealed.receipt));
  ASSERT_EQ(access.id, sealed.id);
  EXPECT_EQ(cables().CableForAuthor(access.id, access.access)->state, "waiting-for-batch");

  ASSERT_OK_AND_ASSIGN(std::size_t published, service_->PublishBatch());
  EXPECT_EQ(published, 1u);
  ASSERT_OK_AND_ASSIGN(auto inbox, cables().ListCables(reviewer, "state", false));
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_FALSE(inbox[0].envelope.has_value());  // listings carry no ciphertext
  ASSERT_OK_AND_ASSIGN(CableView full, cables().GetCable(reviewer, "state", sealed.id));
  EXPECT_TRUE(full.envelope.has_value());
  EXPECT_EQ(full.state, "submitted");
  EXPECT_EQ(cables().CableCounts("state")->open, 1);

  ASSERT_TRUE(cables().AcknowledgeCable(reviewer, "state", sealed.id).ok());
  EXPECT_EQ(cables().AcknowledgeCable(reviewer, "state", sealed.id).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(cables().CableForAuthor(access.id, access.access)->state, "acknowledged");
}

TEST_F(CableServiceTest, AWrongAccessValueAndAnUnknownCableGetTheSameAnswer) {
  MakeOrganization("state", 4);
  RegisterReviewerKey(SignIn("state", "admin"));
  ASSERT_TRUE(service_->PublishBatch().ok());
  ASSERT_OK_AND_ASSIGN(cli::SealedCable sealed, Seal("state", 0, Inputs("state")));
  ASSERT_TRUE(Submit(sealed).ok());
  crypto::Digest32 wrong;
  wrong.bytes.fill(1);
  auto by_wrong_access = cables().CableForAuthor(sealed.id, wrong);
  domain::CableId unknown;
  unknown.bytes.fill(2);
  auto by_unknown_id = cables().CableForAuthor(unknown, wrong);
  ASSERT_FALSE(by_wrong_access.ok());
  ASSERT_FALSE(by_unknown_id.ok());
  EXPECT_EQ(by_wrong_access.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(by_wrong_access.error().message(), by_unknown_id.error().message());
}

TEST_F(CableServiceTest, EachQuotaSlotIsSpentOnceAndAnotherOrganizationsStaffSeeNothing) {
  MakeOrganization("state", 4);
  MakeOrganization("usaid", 2);
  const Principal reviewer = SignIn("state", "admin");
  RegisterReviewerKey(reviewer);
  ASSERT_TRUE(service_->PublishBatch().ok());

  // A second cable from one member, sealed against the same (empty) list of used tags, in the
  // slot the first one spent: refused. In the other slot: accepted.
  const cli::CableInputs in = Inputs("state");
  ASSERT_OK_AND_ASSIGN(cli::SealedCable first, Seal("state", 1, in));
  ASSERT_TRUE(Submit(first).ok());
  const std::uint64_t spent = first.request["quota_slot"];
  std::optional<cli::SealedCable> same, other_slot;
  for (int i = 0; i < 64 && (!same || !other_slot); ++i) {
    ASSERT_OK_AND_ASSIGN(cli::SealedCable again, Seal("state", 1, in));
    (again.request["quota_slot"] == spent ? same : other_slot) = std::move(again);
  }
  ASSERT_TRUE(same && other_slot);
  ASSERT_OK_AND_ASSIGN(CableSubmission twice, api::CableSubmissionFromJson(same->request));
  auto refused = cables().SubmitCable(twice);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kResourceExhausted) << refused.error().message();
  ASSERT_TRUE(Submit(*other_slot).ok());
  // Once the batch has published them, the client sees both slots used and finds none left.
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(Inputs("state").used_tags.size(), 2u);
  auto none = Seal("state", 1, Inputs("state"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kResourceExhausted);
  // Another member is not affected.
  ASSERT_OK_AND_ASSIGN(cli::SealedCable other, Seal("state", 3, Inputs("state")));
  ASSERT_TRUE(Submit(other).ok());
  ASSERT_TRUE(service_->PublishBatch().ok());

  const Principal stranger = SignIn("usaid", "admin");
  EXPECT_EQ(cables().ListCables(stranger, "state", false).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(cables().GetCable(stranger, "state", first.id).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(cables().GetCable(stranger, "usaid", first.id).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace candor::app
