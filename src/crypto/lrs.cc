#include "crypto/lrs.h"

#include <sodium.h>

#include <algorithm>
#include <limits>
#include <string>

#include "crypto/init.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

constexpr std::string_view kTagBaseLabel = "candor/v1/lrs/tag-base";
constexpr std::string_view kChallengeLabel = "candor/v1/lrs/challenge";
constexpr std::string_view kAlphaLabel = "candor/v1/lrs/alpha";

// 64 secret bytes, for reducing a secret scalar without leaving a copy in ordinary memory.
using WideSecret =
    SecretBytes<crypto_core_ristretto255_NONREDUCEDSCALARBYTES, struct WideSecretTag>;

// c(L, R) = Hs("candor/v1/lrs/challenge", D, e, I, m, L, R) (CRYPTO.md).
//
// Everything before L and R is the same for every ring member, so it is absorbed once and
// the SHA-512 state is copied per member: the message, which may be large, is hashed once
// per signature instead of once per member.
class ChallengeHasher {
 public:
  ChallengeHasher(const Digest32& ring_digest, const Digest32& event, const Point& tag,
                  ByteSpan message)
      : prefix_(kChallengeLabel) {
    prefix_.Add(ring_digest.span()).Add(event.span()).Add(tag.span()).Add(message);
  }

  Scalar operator()(const Point& l, const Point& r) const {
    Sha512Transcript t = prefix_;
    t.Add(l.span()).Add(r.span());
    return t.FinishScalar();
  }

 private:
  Sha512Transcript prefix_;
};

// One step around the ring, with public values only (CRYPTO.md Sign step 3, Verify step 2):
//   L_i = s_i·G + c_i·P_i,  R_i = s_i·T + c_i·I,  returns c_{i+1} = c(L_i, R_i).
// An intermediate identity (possible only for adversarial input, e.g. c_i = 0) is encoded
// as zeros by the ristretto.h wrappers and simply hashed, as the verifier must.
Scalar NextChallenge(const ChallengeHasher& challenge, const Scalar& s_i, const Scalar& c_i,
                     const Point& p_i, const Point& tag_base, const Point& tag) {
  const Point l = PointAdd(ScalarMultBase(s_i), ScalarMult(c_i, p_i));
  const Point r = PointAdd(ScalarMult(s_i, tag_base), ScalarMult(c_i, tag));
  return challenge(l, r);
}

// True iff the secret x is canonical (< l) and non-zero (CRYPTO.md "Member keys": x comes
// from scalar_random, which never returns zero). Same test as IsCanonicalScalar — reducing
// x || 0^32 gives x back exactly when x < l — but on guarded memory, compared with
// sodium_memcmp so that the check does not branch on secret bytes.
bool IsCanonicalNonZeroSecret(const SecretScalar& x) {
  WideSecret wide;  // zero-filled
  std::copy(x.data(), x.data() + x.size(), wide.data());
  SecretScalar reduced;
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide.data());
  const bool canonical = sodium_memcmp(reduced.data(), x.data(), x.size()) == 0;
  const bool zero = sodium_is_zero(x.data(), x.size()) == 1;
  return canonical && !zero;
}

// The hedged nonce (security review L6): α = Hs("candor/v1/lrs/alpha", r, x, D, e, m), where r
// is the random draw of CRYPTO.md Sign step 1. With a good RNG α is as random as r; with a
// broken one (a VM snapshot restored twice, a failing entropy source) α still differs between
// two different messages or events, so two signatures cannot reveal x through a repeated α.
// Hashed with transcript framing (tr) on a SHA-512 state that is wiped, into guarded memory.
void HedgedAlpha(const SecretScalar& r, const SecretScalar& x, const Digest32& ring_digest,
                 const Digest32& event, ByteSpan message, SecretScalar& alpha) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  auto part = [&st](const std::uint8_t* data, std::size_t size) {
    const auto len = U64Le(size);
    crypto_hash_sha512_update(&st, len.data(), len.size());
    crypto_hash_sha512_update(&st, data, size);
  };
  part(reinterpret_cast<const std::uint8_t*>(kAlphaLabel.data()), kAlphaLabel.size());
  part(r.data(), r.size());
  part(x.data(), x.size());
  part(ring_digest.data(), ring_digest.size());
  part(event.data(), event.size());
  part(message.data(), message.size());
  WideSecret wide;
  crypto_hash_sha512_final(&st, wide.data());
  sodium_memzero(&st, sizeof st);
  crypto_core_ristretto255_scalar_reduce(alpha.data(), wide.data());
}

// s_π = α − c_π·x (mod l) (CRYPTO.md Sign step 4), computed with libsodium on guarded
// buffers: the product c_π·x is a secret (with s_π it would reveal α) and is wiped when
// `cx` goes out of scope. s_π itself is public: it is part of the signature.
void SignerResponse(const SecretScalar& alpha, const Scalar& c_pi, const SecretScalar& x,
                    Scalar& s_pi) {
  SecretScalar cx;
  crypto_core_ristretto255_scalar_mul(cx.data(), c_pi.data(), x.data());
  crypto_core_ristretto255_scalar_sub(s_pi.data(), alpha.data(), cx.data());
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Ring

Result<Ring> Ring::Create(std::vector<Point> members) {
  if (members.empty()) return InvalidArgument("a ring needs at least one member");
  for (std::size_t i = 0; i < members.size(); ++i) {
    // CRYPTO.md "Notation": a point that fails is_valid_point, or is the identity, is
    // rejected wherever it is read. The identity gets its own message: it is the one
    // invalid key that is a well-formed encoding.
    if (members[i] == kIdentity) {
      return InvalidArgument("ring member " + std::to_string(i) + " is the identity point");
    }
    if (!IsValidPoint(members[i])) {
      return InvalidArgument("ring member " + std::to_string(i) +
                             " is not a valid ristretto255 point");
    }
  }

  // CRYPTO.md "Rings": a repeated key is rejected (it would shrink the anonymity set
  // below what the ring's size promises). Sorting indices by key finds repeats in
  // O(n log n) and gives IndexOf its search order.
  std::vector<std::size_t> sorted(members.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) sorted[i] = i;
  std::sort(sorted.begin(), sorted.end(), [&members](std::size_t a, std::size_t b) {
    return members[a] < members[b] || (members[a] == members[b] && a < b);
  });
  for (std::size_t k = 1; k < sorted.size(); ++k) {
    if (members[sorted[k - 1]] == members[sorted[k]]) {
      return InvalidArgument("ring member " + std::to_string(sorted[k]) + " repeats member " +
                             std::to_string(sorted[k - 1]));
    }
  }

  // ring_digest = H256("candor/v1/ring", P_0, …, P_{n-1}): each key is its own transcript
  // part, length-prefixed like every other.
  Sha256Transcript t(kRingDigestLabel);
  for (const Point& p : members) t.Add(p.span());
  const Digest32 digest = t.Finish();
  return Ring(std::move(members), std::move(sorted), digest);
}

std::span<const group::Point> Ring::Decoded() const {
  std::call_once(decoded_->once, [this] {
    decoded_->points.reserve(members_.size());
    // Every member passed IsValidPoint in Create, and libdecaf's decoding accepts exactly
    // what libsodium's does (src/group/group_test.cc).
    for (const Point& p : members_) decoded_->points.push_back(*group::Point::Decode(p));
  });
  return decoded_->points;
}

std::optional<std::size_t> Ring::IndexOf(const Point& key) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), key,
                             [this](std::size_t i, const Point& k) { return members_[i] < k; });
  if (it == sorted_.end() || members_[*it] != key) return std::nullopt;
  return *it;
}

// ---------------------------------------------------------------------------------------
// Wire format

Bytes LrsSignature::Encode() const {
  Bytes out;
  out.reserve(Scalar::kSize * (s.size() + 1) + Point::kSize);
  out.insert(out.end(), c0.begin(), c0.end());
  for (const Scalar& si : s) out.insert(out.end(), si.begin(), si.end());
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

Result<LrsSignature> LrsSignature::Decode(ByteSpan bytes, std::size_t ring_size) {
  static_assert(Scalar::kSize == 32 && Point::kSize == 32);
  if (ring_size == 0) return InvalidArgument("a candor-lrs-v1 signature needs a ring of n >= 1");
  if (ring_size > std::numeric_limits<std::size_t>::max() / 32 - 2) {
    return InvalidArgument("ring size " + std::to_string(ring_size) + " is too large");
  }
  const std::size_t expected = 32 * (ring_size + 2);  // CRYPTO.md Sign step 5
  if (bytes.size() != expected) {
    return InvalidArgument("a candor-lrs-v1 signature for a ring of " + std::to_string(ring_size) +
                           " members is " + std::to_string(expected) + " bytes, got " +
                           std::to_string(bytes.size()) +
                           (bytes.size() < expected ? " (truncated)" : " (over-long)"));
  }
  LrsSignature sig;
  const std::uint8_t* p = bytes.data();
  std::copy(p, p + 32, sig.c0.bytes.begin());
  p += 32;
  sig.s.resize(ring_size);
  for (Scalar& si : sig.s) {
    std::copy(p, p + 32, si.bytes.begin());
    p += 32;
  }
  std::copy(p, p + 32, sig.tag.bytes.begin());
  return sig;
}

// ---------------------------------------------------------------------------------------
// Sign, verify, link

Point LrsTagBase(const Digest32& event) { return Hp(kTagBaseLabel, {event.span()}); }

Result<LrsSignature> LrsSign(const Digest32& event, ByteSpan message, const Ring& ring,
                             std::size_t signer_index, const SecretScalar& x, Rng& rng) {
  EnsureSodium();
  const std::size_t n = ring.size();
  const std::size_t pi = signer_index;
  if (pi >= n) {
    return InvalidArgument("signer index " + std::to_string(pi) +
                           " is out of range for a ring of " + std::to_string(n) + " members");
  }
  if (!IsCanonicalNonZeroSecret(x)) {
    return InvalidArgument("the ring secret is not a canonical non-zero scalar");
  }
  // The signer must be P_π: otherwise the output would simply fail to verify (and a caller
  // with the wrong index would learn that only from the verifier).
  if (PublicFromSecret(x) != ring.members()[pi]) {
    return InvalidArgument("the ring secret does not match ring member " + std::to_string(pi));
  }

  const Point tag_base = LrsTagBase(event);  // T
  LrsSignature sig;
  sig.tag = SecretScalarMult(x, tag_base);  // I = x·T
  sig.s.resize(n);
  const ChallengeHasher challenge(ring.digest(), event, sig.tag, message);

  // Step 1: α, then s_i for i ≠ π in increasing i (the documented order of rng draws); α is
  // hedged with the secret and what is signed (HedgedAlpha).
  SecretScalar alpha;
  {
    SecretScalar r;
    rng.RandomScalar(r);
    HedgedAlpha(r, x, ring.digest(), event, message, alpha);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i != pi) sig.s[i] = rng.RandomPublicScalar();
  }

  // Step 2: c_{π+1} = c(α·G, α·T). Both points are public (a verifier recomputes them as
  // L_π and R_π), but α is not, so they come from the constant-time secret wrappers.
  Scalar c = challenge(PublicFromSecret(alpha), SecretScalarMult(alpha, tag_base));
  std::size_t i = (pi + 1) % n;
  if (i == 0) sig.c0 = c;
  // Step 3: around the ring from π+1 to π−1; afterwards c = c_π. For n = 1 there are no
  // steps and c_π = c_0 = c(α·G, α·T).
  while (i != pi) {
    c = NextChallenge(challenge, sig.s[i], c, ring.members()[i], tag_base, sig.tag);
    i = (i + 1) % n;
    if (i == 0) sig.c0 = c;
  }
  // Step 4: s_π = α − c_π·x closes the ring.
  SignerResponse(alpha, c, x, sig.s[pi]);
  return sig;  // alpha is wiped by its destructor here, as on every other exit
}

Status LrsVerify(const Digest32& event, ByteSpan message, const Ring& ring,
                 const LrsSignature& sig) {
  EnsureSodium();
  const std::size_t n = ring.size();
  // Step 1 (the ring itself was validated by Ring::Create).
  if (sig.s.size() != n) {
    return InvalidArgument("candor-lrs-v1: the signature has " + std::to_string(sig.s.size()) +
                           " responses for a ring of " + std::to_string(n) + " members");
  }
  if (sig.tag == kIdentity) return InvalidArgument("candor-lrs-v1: the tag is the identity point");
  if (!IsValidPoint(sig.tag)) {
    return InvalidArgument("candor-lrs-v1: the tag is not a valid ristretto255 point");
  }
  if (!IsCanonicalScalar(sig.c0)) {
    return InvalidArgument("candor-lrs-v1: c0 is not a canonical scalar");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!IsCanonicalScalar(sig.s[i])) {
      return InvalidArgument("candor-lrs-v1: response s_" + std::to_string(i) +
                             " is not a canonical scalar");
    }
  }

  // Step 2: T once, the transcript prefix once, then once around the ring — on libdecaf
  // (checked bit for bit against libsodium, src/group), with nothing secret to protect: the
  // ring decoded once per Ring (Ring::Decoded), T and I as fixed-base tables, and
  // L_i = s_i·G + c_i·P_i as one variable-time double multiplication. The same L_i and R_i,
  // encoded the same way (the identity as 32 zero bytes), as NextChallenge's.
  const Point tag_base = LrsTagBase(event);
  const ChallengeHasher challenge(ring.digest(), event, sig.tag, message);
  const std::optional<group::Point> t = group::Point::Decode(tag_base);
  Scalar c = sig.c0;
  if (t) {
    const std::span<const group::Point> members = ring.Decoded();
    const group::FixedBaseTable t_table(*t);
    const group::FixedBaseTable i_table(*group::Point::Decode(sig.tag));  // checked above
    for (std::size_t i = 0; i < n; ++i) {
      const group::Scalar s_i = *group::Scalar::Decode(sig.s[i]);  // canonical: checked above
      const group::Scalar c_i = *group::Scalar::Decode(c);         // a hash output, reduced
      const group::Point l = group::Point::MulBaseAddNonSecret(s_i, c_i, members[i]);
      const group::Point r = t_table.Mul(s_i) + i_table.Mul(c_i);
      c = challenge(l.Encode(), r.Encode());
    }
  } else {  // T is the identity (a 2^-252 event for a hash): libsodium's path, as the signer's
    for (std::size_t i = 0; i < n; ++i) {
      c = NextChallenge(challenge, sig.s[i], c, ring.members()[i], tag_base, sig.tag);
    }
  }
  // Step 3: c_n == c_0. Public data, so an ordinary comparison is fine (CRYPTO.md).
  if (c != sig.c0) {
    return VerificationFailed("candor-lrs-v1: the ring equations do not close (c_n != c_0)");
  }
  return Status::Ok();
}

bool LrsLinked(const LrsSignature& a, const LrsSignature& b) { return a.tag == b.tag; }

}  // namespace candor::crypto
