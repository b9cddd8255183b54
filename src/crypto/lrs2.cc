#include "crypto/lrs2.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "crypto/transcript.h"
#include "group/ct.h"
#include "group/msm.h"
#include "group/parallel.h"

namespace candor::crypto {
namespace {

using GP = group::Point;
using GS = group::Scalar;

// The labels of docs/LRS-V2.md ("Generators", "Challenges", "Nonces").
constexpr std::string_view kLabelH = "candor/v2/lrs/H";
constexpr std::string_view kLabelMatrixG = "candor/v2/lrs/matrix-g";
constexpr std::string_view kLabelMatrixH = "candor/v2/lrs/matrix-h";
constexpr std::string_view kLabelXi = "candor/v2/lrs/xi";
constexpr std::string_view kLabelC = "candor/v2/lrs/c";
constexpr std::string_view kLabelSeed = "candor/v2/lrs/nonce-seed";
constexpr std::string_view kLabelNonce = "candor/v2/lrs/nonce";
constexpr std::string_view kLabelWeights = "candor/v2/lrs/batch-weights";
constexpr std::string_view kLabelWeight = "candor/v2/lrs/batch-weight";
constexpr std::string_view kLabelTagBase = "candor/v1/lrs/tag-base";  // v1's T, on purpose

constexpr std::size_t kN = kLrs2Radix;
constexpr std::size_t kMatrix = kLrs2MaxDigits * kLrs2Radix;

// Hp and Hs of CRYPTO.md, computed straight into group elements (libdecaf's
// from_hash_uniform is libsodium's from_hash, group_test.cc checks it).
GP HashToPoint(const Sha512Transcript& t) { return GP::FromUniformBytes(t.Digest()); }
GS HashToScalar(const Sha512Transcript& t) { return GS::FromWide(t.Digest()); }

struct Generators {
  GP h;
  std::array<GP, kMatrix> g;   // G_{j,i} at [8j + i]
  std::array<GP, kMatrix> hh;  // H_{j,i} at [8j + i]
  group::FixedBaseTable h_table;

  Generators() : h(HashToPoint(Sha512Transcript(kLabelH))), h_table(h) {
    for (std::size_t j = 0; j < kLrs2MaxDigits; ++j) {
      for (std::size_t i = 0; i < kN; ++i) {
        const auto jb = U64Le(j);
        const auto ib = U64Le(i);
        g[kN * j + i] = HashToPoint(Sha512Transcript(kLabelMatrixG)
                                        .Add(ByteSpan(jb.data(), 8))
                                        .Add(ByteSpan(ib.data(), 8)));
        hh[kN * j + i] = HashToPoint(Sha512Transcript(kLabelMatrixH)
                                         .Add(ByteSpan(jb.data(), 8))
                                         .Add(ByteSpan(ib.data(), 8)));
      }
    }
  }
};

const Generators& Gens() {
  static const Generators* const kGens = new Generators();  // never destroyed: used at exit
  return *kGens;
}

GP TagBase(const Digest32& event) {
  return HashToPoint(Sha512Transcript(kLabelTagBase).Add(event.span()));
}

std::size_t Digit(std::size_t k, std::size_t j) { return (k >> (3 * j)) & (kN - 1); }

// ⌈N / 8^j⌉: how many index prefixes of length m − j the ring has.
std::size_t Prefixes(std::size_t n, std::size_t j) {
  const std::size_t block = std::size_t{1} << (3 * j);
  return (n + block - 1) / block;
}

// ξ: the statement and the first-round commitments (docs/LRS-V2.md "Challenges").
GS Xi(const Digest32& ring_digest, std::size_t ring_size, const Digest32& event, const GP& tag_base,
      const Point& tag, const Point& key, ByteSpan message, const Point& a, const Point& b,
      std::span<const Point> x) {
  const auto n = U64Le(ring_size);
  const Point t = tag_base.Encode();
  Sha512Transcript tr(kLabelXi);
  tr.Add(ring_digest.span()).Add(ByteSpan(n.data(), 8)).Add(event.span()).Add(t.span());
  tr.Add(tag.span()).Add(key.span());
  tr.Add(message).Add(a.span()).Add(b.span());
  for (const Point& xj : x) tr.Add(xj.span());
  return HashToScalar(tr);
}

// c: ξ and the second-round values.
GS C(const GS& xi, std::span<const Scalar> f, const Scalar& za, const Scalar& z, const Point& r1,
     const Point& r2) {
  const Scalar xib = xi.Encode();
  Sha512Transcript tr(kLabelC);
  tr.Add(xib.span());
  for (const Scalar& fi : f) tr.Add(fi.span());
  tr.Add(za.span()).Add(z.span()).Add(r1.span()).Add(r2.span());
  return HashToScalar(tr);
}

// n uniform scalars (64 random bytes reduced mod l each): the side-channel masks.
std::vector<GS> DrawMasks(std::size_t n, Rng& rng) {
  std::vector<std::uint8_t> wide(64 * n);
  rng.Fill(wide);
  std::vector<GS> masks(n);
  for (std::size_t k = 0; k < n; ++k) {
    masks[k] = GS::FromWide(std::span<const std::uint8_t, 64>(wide.data() + 64 * k, 64));
  }
  WipeMemory(wide.data(), wide.size());
  return masks;
}

// 1 when a == b, else 0, without a branch (a, b < 2^32).
std::uint64_t CtEqual(std::uint64_t a, std::uint64_t b) { return ((a ^ b) - 1) >> 63; }

// --- verification ---

// A signature decoded into group elements, with the values derived from it.
struct Prepared {
  GP tag_base, tag, key, a, b, r1, r2;
  std::vector<GP> x;
  std::vector<GS> f;  // f_{j,i} for every i, f_{j,0} included: 8m
  GS za, z, s1, s2, xi, c;
};

Result<GP> DecodePoint(const Point& p, std::string_view what) {
  auto g = GP::Decode(p);
  if (!g) return InvalidArgument(std::string(what) + " is not a valid non-identity point");
  return *g;
}
Result<GS> DecodeScalar(const Scalar& s, std::string_view what) {
  auto g = GS::Decode(s);
  if (!g) return InvalidArgument(std::string(what) + " is not a canonical scalar");
  return *g;
}

Result<Prepared> Prepare(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                         const Lrs2Signature& sig) {
  const std::size_t m = Lrs2Digits(ring.size());
  if (sig.x.size() != m || sig.f.size() != (kN - 1) * m) {
    return InvalidArgument("the signature has the wrong number of elements for a ring of " +
                           std::to_string(ring.size()));
  }
  Prepared p;
  CANDOR_ASSIGN_OR_RETURN(p.tag, DecodePoint(sig.tag, "the tag"));
  CANDOR_ASSIGN_OR_RETURN(p.key, DecodePoint(sig.key, "K"));
  CANDOR_ASSIGN_OR_RETURN(p.a, DecodePoint(sig.a, "A"));
  CANDOR_ASSIGN_OR_RETURN(p.b, DecodePoint(sig.b, "B"));
  for (std::size_t j = 0; j < m; ++j) {
    CANDOR_ASSIGN_OR_RETURN(GP xj, DecodePoint(sig.x[j], "X_" + std::to_string(j)));
    p.x.push_back(xj);
  }
  std::vector<GS> f_sent;
  for (std::size_t k = 0; k < sig.f.size(); ++k) {
    CANDOR_ASSIGN_OR_RETURN(GS fk,
                            DecodeScalar(sig.f[k], "f_" + std::to_string(k / (kN - 1)) + "," +
                                                       std::to_string(k % (kN - 1) + 1)));
    f_sent.push_back(fk);
  }
  CANDOR_ASSIGN_OR_RETURN(p.za, DecodeScalar(sig.za, "z_A"));
  CANDOR_ASSIGN_OR_RETURN(p.z, DecodeScalar(sig.z, "z"));
  CANDOR_ASSIGN_OR_RETURN(p.r1, DecodePoint(sig.r1, "R1"));
  CANDOR_ASSIGN_OR_RETURN(p.r2, DecodePoint(sig.r2, "R2"));
  CANDOR_ASSIGN_OR_RETURN(p.s1, DecodeScalar(sig.s1, "s1"));
  CANDOR_ASSIGN_OR_RETURN(p.s2, DecodeScalar(sig.s2, "s2"));

  p.tag_base = TagBase(event);
  p.xi = Xi(ring.digest(), ring.size(), event, p.tag_base, sig.tag, sig.key, message, sig.a, sig.b,
            sig.x);
  p.c = C(p.xi, sig.f, sig.za, sig.z, sig.r1, sig.r2);
  p.f.resize(kN * m);
  for (std::size_t j = 0; j < m; ++j) {
    GS rest;
    for (std::size_t i = 1; i < kN; ++i) {
      p.f[kN * j + i] = f_sent[(kN - 1) * j + (i - 1)];
      rest += p.f[kN * j + i];
    }
    p.f[kN * j] = p.xi - rest;  // f_{j,0} = ξ − Σ_{i≥1} f_{j,i}
  }
  return p;
}

// The four equations of docs/LRS-V2.md "Verification", each weighted by a fresh random
// scalar, summed over a batch into one multi-scalar multiplication that must be the
// identity. The ring's part is accumulated per key into `ring_scalars`.
class BatchEquation {
 public:
  BatchEquation(std::size_t ring_size, std::size_t m)
      : n_(ring_size), m_(m), ring_scalars_(ring_size), fixed_scalars_(2 + 2 * kN * m) {}

  // One signature's equations, weighted by w[0] … w[3].
  void Add(const Prepared& p, const std::array<GS, 4>& w) {
    const GS& w1 = w[0];
    const GS& w2 = w[1];
    const GS& w3 = w[2];
    const GS& w4 = w[3];
    // Fixed generators: [0] G, [1] H, then G_{j,i}, then H_{j,i}.
    GS& g = fixed_scalars_[0];
    GS& h = fixed_scalars_[1];
    std::vector<GS> xi_pow(m_ + 1);
    xi_pow[0] = GS::One();
    for (std::size_t j = 1; j <= m_; ++j) xi_pow[j] = xi_pow[j - 1] * p.xi;

    // (1) z_A·H + Σ f·G_{j,i} + Σ f(ξ − f)·H_{j,i} − A − ξ·B = 0
    h += w1 * p.za;
    for (std::size_t k = 0; k < kN * m_; ++k) {
      fixed_scalars_[2 + k] += w1 * p.f[k];
      fixed_scalars_[2 + kN * m_ + k] += w1 * p.f[k] * (p.xi - p.f[k]);
    }
    Push(-w1, p.a);
    Push(-(w1 * p.xi), p.b);

    // (2) Σ t'_k·P_k − ξ^m·K − Σ ξ^j·X_j − z·H = 0
    AddRing(p, w2, xi_pow[m_]);
    Push(-(w2 * xi_pow[m_]), p.key);
    for (std::size_t j = 0; j < m_; ++j) Push(-(w2 * xi_pow[j]), p.x[j]);
    h -= w2 * p.z;

    // (3) s1·G + s2·H + c·K − R1 = 0
    g += w3 * p.s1;
    h += w3 * p.s2;
    Push(w3 * p.c, p.key);
    Push(-w3, p.r1);

    // (4) s1·T + c·I − R2 = 0
    Push(w4 * p.s1, p.tag_base);
    Push(w4 * p.c, p.tag);
    Push(-w4, p.r2);
  }

  // Adds another part of the same batch (same ring) into this one.
  void Merge(const BatchEquation& other) {
    for (std::size_t k = 0; k < n_; ++k) ring_scalars_[k] += other.ring_scalars_[k];
    for (std::size_t k = 0; k < fixed_scalars_.size(); ++k) {
      fixed_scalars_[k] += other.fixed_scalars_[k];
    }
    scalars_.insert(scalars_.end(), other.scalars_.begin(), other.scalars_.end());
    points_.insert(points_.end(), other.points_.begin(), other.points_.end());
  }

  bool Holds(const Lrs2Ring& ring) const {
    const Generators& gens = Gens();
    std::vector<GP> fixed_points;
    fixed_points.reserve(fixed_scalars_.size());
    fixed_points.push_back(GP::Base());
    fixed_points.push_back(gens.h);
    for (std::size_t k = 0; k < kN * m_; ++k) fixed_points.push_back(gens.g[k]);
    for (std::size_t k = 0; k < kN * m_; ++k) fixed_points.push_back(gens.hh[k]);
    // Fail closed: MultiScalarMulVartime answers the identity for lists of unequal length.
    if (ring_scalars_.size() != ring.points().size() ||
        fixed_scalars_.size() != fixed_points.size() || scalars_.size() != points_.size()) {
      return false;
    }
    GP sum = group::MultiScalarMulVartime(ring_scalars_, ring.points());
    sum += group::MultiScalarMulVartime(fixed_scalars_, fixed_points);
    sum += group::MultiScalarMulVartime(scalars_, points_);
    return sum.IsIdentity();
  }

 private:
  void Push(const GS& s, const GP& p) {
    scalars_.push_back(s);
    points_.push_back(p);
  }

  // ring_scalars_[k] += w·t'_k, where t_k = Π_j f_{j,k_j} for k < N − 1 and the last key
  // takes the rest of Σ_k t_k = ξ^m (the virtual padding of docs/LRS-V2.md).
  void AddRing(const Prepared& p, const GS& w, const GS& xi_m) {
    std::vector<GS> level(1, w);
    for (std::size_t j = m_; j-- > 0;) {
      std::vector<GS> next(Prefixes(n_, j));
      for (std::size_t q = 0; q < next.size(); ++q) next[q] = level[q >> 3] * p.f[kN * j + (q & 7)];
      level = std::move(next);
    }
    GS rest;
    for (std::size_t k = 0; k + 1 < n_; ++k) {
      ring_scalars_[k] += level[k];
      rest += level[k];
    }
    ring_scalars_[n_ - 1] += w * xi_m - rest;
  }

  std::size_t n_;
  std::size_t m_;
  std::vector<GS> ring_scalars_;
  std::vector<GS> fixed_scalars_;
  std::vector<GS> scalars_;
  std::vector<GP> points_;
};

bool BatchHolds(const Lrs2Ring& ring, std::span<const Prepared* const> batch, Rng& weights) {
  // The weights (docs/LRS-V2.md "Batch verification"): hashed from 32 fresh bytes of `weights`
  // and every signature of the batch (its ξ and c, which bind everything but s1 and s2, and
  // s1, s2), so that even a predictable generator gives weights no signer could aim at.
  std::array<std::uint8_t, 32> fresh{};
  weights.Fill(fresh);
  Sha512Transcript seed_tr(kLabelWeights);
  seed_tr.Add(fresh);
  for (const Prepared* p : batch) {
    for (const GS* v : {&p->xi, &p->c, &p->s1, &p->s2}) seed_tr.Add(v->Encode().span());
  }
  const std::array<std::uint8_t, 64> seed = seed_tr.Digest();
  std::vector<std::array<GS, 4>> w(batch.size());
  std::uint64_t counter = 0;
  for (auto& wi : w) {
    for (GS& x : wi) {
      const auto cb = U64Le(counter++);
      x = HashToScalar(Sha512Transcript(kLabelWeight)
                           .Add(ByteSpan(seed.data(), 64))
                           .Add(ByteSpan(cb.data(), 8)));
    }
  }
  const std::size_t m = Lrs2Digits(ring.size());
  // Each signature's ring coefficients cost ≈ 1.14·N scalar products: the signatures are
  // shared out between the cores, each accumulating its own part, and the parts summed.
  const std::size_t workers = std::max<std::size_t>(1, std::min(group::Cores(8), batch.size()));
  std::vector<BatchEquation> parts(workers, BatchEquation(ring.size(), m));
  group::RunInParallel(workers, [&](std::size_t t) {
    for (std::size_t i = t; i < batch.size(); i += workers) parts[t].Add(*batch[i], w[i]);
  });
  for (std::size_t t = 1; t < workers; ++t) parts[0].Merge(parts[t]);
  return parts[0].Holds(ring);
}

// Appends to `bad` the positions (into `positions`) of the signatures that fail, by halving.
void Blame(const Lrs2Ring& ring, std::span<const Prepared* const> batch,
           std::span<const std::size_t> positions, Rng& weights, std::vector<std::size_t>& bad) {
  if (batch.empty() || BatchHolds(ring, batch, weights)) return;
  if (batch.size() == 1) {
    bad.push_back(positions[0]);
    return;
  }
  const std::size_t half = batch.size() / 2;
  Blame(ring, batch.first(half), positions.first(half), weights, bad);
  Blame(ring, batch.subspan(half), positions.subspan(half), weights, bad);
}

}  // namespace

std::size_t Lrs2Digits(std::size_t ring_size) {
  std::size_t m = 1;
  while (m < kLrs2MaxDigits && (std::size_t{1} << (3 * m)) < ring_size) ++m;
  return m;
}

std::size_t Lrs2SignatureSize(std::size_t ring_size) {
  return 32 * (10 + kN * Lrs2Digits(ring_size));
}

Result<Lrs2Ring> Lrs2Ring::Create(Ring ring) {
  if (ring.size() > kLrs2MaxRing) {
    return InvalidArgument("a candor-lrs-v2 ring has at most " + std::to_string(kLrs2MaxRing) +
                           " keys, this one has " + std::to_string(ring.size()));
  }
  std::vector<GP> points;
  points.reserve(ring.size());
  for (std::size_t k = 0; k < ring.size(); ++k) {
    auto p = GP::Decode(ring.members()[k]);
    // Ring::Create checked every key; libdecaf and libsodium agree (group_test.cc).
    if (!p) return InvalidArgument("ring key " + std::to_string(k) + " is not a valid point");
    points.push_back(*p);
  }
  return Lrs2Ring(std::move(ring), std::move(points));
}

Bytes Lrs2Signature::Encode() const {
  Bytes out;
  out.reserve(32 * (10 + x.size() + f.size()));
  auto put = [&out](const auto& v) { out.insert(out.end(), v.data(), v.data() + 32); };
  put(tag);
  put(key);
  put(a);
  put(b);
  for (const auto& xj : x) put(xj);
  for (const auto& fk : f) put(fk);
  put(za);
  put(z);
  put(r1);
  put(r2);
  put(s1);
  put(s2);
  return out;
}

Result<Lrs2Signature> Lrs2Signature::Decode(ByteSpan bytes, std::size_t ring_size) {
  if (ring_size == 0 || ring_size > kLrs2MaxRing) {
    return InvalidArgument("a candor-lrs-v2 ring has 1 to " + std::to_string(kLrs2MaxRing) +
                           " keys");
  }
  const std::size_t m = Lrs2Digits(ring_size);
  const std::size_t want = Lrs2SignatureSize(ring_size);
  if (bytes.size() != want) {
    return InvalidArgument("a candor-lrs-v2 signature over " + std::to_string(ring_size) +
                           " keys is " + std::to_string(want) + " bytes, not " +
                           std::to_string(bytes.size()));
  }
  std::size_t at = 0;
  auto take = [&](auto& v) {
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(at),
              bytes.begin() + static_cast<std::ptrdiff_t>(at + 32), v.data());
    at += 32;
  };
  Lrs2Signature s;
  take(s.tag);
  take(s.key);
  take(s.a);
  take(s.b);
  s.x.resize(m);
  for (auto& xj : s.x) take(xj);
  s.f.resize((kN - 1) * m);
  for (auto& fk : s.f) take(fk);
  take(s.za);
  take(s.z);
  take(s.r1);
  take(s.r2);
  take(s.s1);
  take(s.s2);
  return s;
}

namespace {

Result<Lrs2Signature> Sign(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                           std::size_t signer_index, const SecretScalar& x, Rng& rng,
                           const Lrs2Precomputation* pre, const testing::Lrs2Cheat* cheat) {
  const std::size_t n = ring.size();
  // Declassified (docs/LRS-V2.md "Prover: masking"): whether the inputs are valid.
  if (!ct::Declassified(signer_index < n)) {
    return InvalidArgument("the signer index is outside the ring");
  }
  const std::size_t m = Lrs2Digits(n);
  if (pre != nullptr) {
    bool fits =
        pre->ring_digest == ring.digest() && pre->masks.size() == m && pre->mask_sums.size() == m;
    for (const auto& masks : pre->masks) fits = fits && masks.size() == n;
    if (!fits) return InvalidArgument("the precomputation was made for another ring");
  }
  std::optional<GS> xs = GS::Decode(std::span<const std::uint8_t, 32>(x.data(), 32));
  if (!xs || ct::Declassified(xs->IsZero()))
    return InvalidArgument("the secret key is not a canonical non-zero scalar");

  // The key at signer_index must be x·G. Every key is compared (in constant time), so that
  // the signer's position does not choose which memory is read.
  const Point public_key = GP::MulBase(*xs).Encode();
  std::uint64_t found = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const auto same = static_cast<std::uint64_t>(
        sodium_memcmp(ring.ring().members()[k].data(), public_key.data(), 32) == 0);
    found |= same & CtEqual(k, signer_index);
  }
  if (cheat != nullptr && cheat->skip_key_check) found = 1;
  if (ct::Declassified(found) == 0)
    return InvalidArgument("the ring's key at the signer index is not this key");

  const Generators& gens = Gens();
  const GP tag_base = TagBase(event);

  // Nonces (docs/LRS-V2.md "Nonces"): hedged on fresh randomness, the key, the ring, the
  // event and the message.
  std::array<std::uint8_t, 32> fresh{};
  rng.Fill(fresh);
  Sha512Transcript seed_tr(kLabelSeed);
  seed_tr.Add(fresh).Add(x.span()).Add(ring.digest().span()).Add(event.span()).Add(message);
  std::array<std::uint8_t, 64> seed = seed_tr.Digest();
  WipeMemory(fresh.data(), fresh.size());
  auto nonce = [&seed](std::uint64_t i) {
    const auto ib = U64Le(i);
    return HashToScalar(
        Sha512Transcript(kLabelNonce).Add(ByteSpan(seed.data(), 64)).Add(ByteSpan(ib.data(), 8)));
  };
  const GS t = nonce(0);
  const GS r_a = nonce(1);
  const GS r_b = nonce(2);
  const GS alpha = nonce(3);
  const GS beta = nonce(4);
  std::vector<GS> a(kN * m);
  std::vector<GS> sigma(kN * m);
  std::vector<GS> rho(m);
  for (std::size_t j = 0; j < m; ++j) {
    GS sum;
    for (std::size_t i = 1; i < kN; ++i) {
      a[kN * j + i] = nonce(5 + (kN - 1) * j + (i - 1));
      sum += a[kN * j + i];
    }
    a[kN * j] = -sum;
    const std::uint64_t digit = Digit(signer_index, j);
    for (std::size_t i = 0; i < kN; ++i) sigma[kN * j + i] = GS::FromU64(CtEqual(digit, i));
    if (j == 0 && cheat != nullptr && cheat->half_digits != nullptr) {
      const GS half = GS::FromU64(2).Invert();
      for (std::size_t i = 0; i < kN; ++i) sigma[i] = GS();
      sigma[cheat->half_digits[0]] = half;
      sigma[cheat->half_digits[1]] = half;
    }
    rho[j] = nonce(5 + (kN - 1) * m + j);
  }
  WipeMemory(seed.data(), seed.size());

  Lrs2Signature sig;
  GS tag_secret = *xs;
  if (cheat != nullptr && cheat->tag_secret != nullptr) {
    tag_secret = *GS::Decode(std::span<const std::uint8_t, 32>(cheat->tag_secret->data(), 32));
  }
  const GP tag = tag_secret * tag_base;
  sig.tag = tag.Encode();
  sig.key = (GP::MulBase(*xs) + gens.h_table.Mul(t)).Encode();

  // A = r_A·H + Σ a·G_{j,i} − Σ a²·H_{j,i};  B = r_B·H + Σ σ·G_{j,i} + Σ a(1 − 2σ)·H_{j,i}.
  GP big_a = gens.h_table.Mul(r_a);
  GP big_b = gens.h_table.Mul(r_b);
  const GS one = GS::One();
  const GS two = GS::FromU64(2);
  for (std::size_t k = 0; k < kN * m; ++k) {
    big_a += a[k] * gens.g[k];
    big_a -= (a[k] * a[k]) * gens.hh[k];
    big_b += sigma[k] * gens.g[k];
    big_b += (a[k] * (one - two * sigma[k])) * gens.hh[k];
  }
  sig.a = big_a.Encode();
  sig.b = big_b.Encode();

  // The coefficients p_{k,j} of p_k(X) = Π_j (σ_{j,k_j}·X + a_{j,k_j}), built digit by digit
  // from the most significant; every product is computed for every k, whatever the signer.
  std::vector<GS> level(1, GS::One());  // polynomials of degree d, d + 1 coefficients each
  std::size_t degree = 0;
  for (std::size_t j = m; j-- > 0;) {
    const std::size_t count = Prefixes(n, j);
    std::vector<GS> next(count * (degree + 2));
    auto extend = [&](std::size_t from, std::size_t to) {
      for (std::size_t q = from; q < to; ++q) {
        const GS* parent = &level[(q >> 3) * (degree + 1)];
        GS* child = &next[q * (degree + 2)];
        const GS& s = sigma[kN * j + (q & 7)];
        const GS& c = a[kN * j + (q & 7)];
        for (std::size_t d = 0; d <= degree + 1; ++d) {
          GS v = d <= degree ? c * parent[d] : GS();
          if (d > 0) v += s * parent[d - 1];
          child[d] = v;
        }
      }
    };
    // The widest levels are shared between two threads (every product is computed either way).
    if (count >= 8192 && group::Cores(2) > 1) {
      group::RunInParallel(2, [&](std::size_t half) {
        if (half == 0) {
          extend(0, count / 2);
        } else {
          extend(count / 2, count);
        }
      });
    } else {
      extend(0, count);
    }
    level = std::move(next);
    ++degree;
  }

  // X_j = Σ_k q_{k,j}·P_k + ρ_j·H with q_{k,j} = p_{k,j} for k < N − 1 and the last key taking
  // −Σ_{k<N−1} p_{k,j} (the padding). The variable-time multi-scalar multiplication sees only
  // q + u for a fresh uniform u, and u itself: Σ(q+u)·P − Σu·P.
  // The masks u and Σu·P: precomputed, or made here from the system's CSPRNG — not from `rng`:
  // they never change the signature, so a SeededRng reproduces the same bytes, and draws the
  // same stream, as the browser's signer, which has no masks (tests/vectors/cable.json).
  std::vector<std::vector<GS>> fresh_masks(pre != nullptr ? 0 : m);
  for (auto& u : fresh_masks) u = DrawMasks(n, DefaultRng());
  auto masks_of = [&](std::size_t j) -> const std::vector<GS>& {
    return pre != nullptr ? pre->masks[j] : fresh_masks[j];
  };
  std::vector<std::vector<GS>> masked(m, std::vector<GS>(n));
  for (std::size_t j = 0; j < m; ++j) {
    const std::vector<GS>& masks = masks_of(j);
    GS last;
    for (std::size_t k = 0; k < n; ++k) {
      GS q = level[k * (degree + 1) + j];
      if (k + 1 < n) {
        last -= q;
      } else {
        q = last;
      }
      masked[j][k] = q + masks[k];
    }
    // Declassified: masked[j] is uniform and independent of the signer.
    ct::Declassify(masked[j].data(), masked[j].size() * sizeof(GS));
  }
  // The m multiplications (2m without a precomputation), each whole on one thread and shared
  // between the cores: a whole multiplication per thread amortises Pippenger's bucket sums
  // better than halves of each.
  std::vector<GP> masked_sums(m);
  std::vector<GP> mask_sums(m);
  if (pre != nullptr) mask_sums = pre->mask_sums;
  const std::size_t jobs = pre != nullptr ? m : 2 * m;
  const std::size_t workers = std::max<std::size_t>(1, std::min(group::Cores(8), jobs));
  group::RunInParallel(workers, [&](std::size_t worker) {
    for (std::size_t job = worker; job < jobs; job += workers) {
      if (job < m) {
        masked_sums[job] = group::MultiScalarMulVartime(masked[job], ring.points(), 1);
      } else {
        mask_sums[job - m] = group::MultiScalarMulVartime(fresh_masks[job - m], ring.points(), 1);
      }
    }
  });
  sig.x.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    sig.x[j] = (masked_sums[j] - mask_sums[j] + gens.h_table.Mul(rho[j])).Encode();
  }

  const GS xi =
      Xi(ring.digest(), n, event, tag_base, sig.tag, sig.key, message, sig.a, sig.b, sig.x);
  sig.f.resize((kN - 1) * m);
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 1; i < kN; ++i) {
      sig.f[(kN - 1) * j + (i - 1)] = (sigma[kN * j + i] * xi + a[kN * j + i]).Encode();
    }
  }
  sig.za = (r_a + xi * r_b).Encode();
  // z = −t·ξ^m − Σ_j ρ_j·ξ^j
  GS xi_pow = GS::One();
  GS z;
  for (std::size_t j = 0; j < m; ++j) {
    z -= rho[j] * xi_pow;
    xi_pow *= xi;
  }
  z -= t * xi_pow;
  sig.z = z.Encode();
  sig.r1 = (GP::MulBase(alpha) + gens.h_table.Mul(beta)).Encode();
  sig.r2 = (alpha * tag_base).Encode();
  const GS c = C(xi, sig.f, sig.za, sig.z, sig.r1, sig.r2);
  const bool s1_for_tag = cheat != nullptr && cheat->s1_answers_for_tag;
  sig.s1 = (alpha - c * (s1_for_tag ? tag_secret : *xs)).Encode();
  sig.s2 = (beta - c * t).Encode();
  return sig;
}

}  // namespace

Result<Lrs2Signature> Lrs2Sign(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                               std::size_t signer_index, const SecretScalar& x, Rng& rng) {
  return Sign(event, message, ring, signer_index, x, rng, nullptr, nullptr);
}

Lrs2Precomputation Lrs2Precompute(const Lrs2Ring& ring, Rng& rng) {
  Lrs2Precomputation pre;
  pre.ring_digest = ring.digest();
  const std::size_t m = Lrs2Digits(ring.size());
  for (std::size_t j = 0; j < m; ++j) {
    pre.masks.push_back(DrawMasks(ring.size(), rng));
    pre.mask_sums.push_back(group::MultiScalarMulVartime(pre.masks.back(), ring.points()));
  }
  return pre;
}

Result<Lrs2Signature> Lrs2Sign(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                               std::size_t signer_index, const SecretScalar& x, Rng& rng,
                               Lrs2Precomputation&& precomputed) {
  const Lrs2Precomputation pre = std::move(precomputed);  // used once, then wiped
  return Sign(event, message, ring, signer_index, x, rng, &pre, nullptr);
}

Result<Lrs2Signature> testing::Lrs2SignCheating(const Digest32& event, ByteSpan message,
                                                const Lrs2Ring& ring, std::size_t signer_index,
                                                const SecretScalar& x, Rng& rng,
                                                const Lrs2Cheat& cheat) {
  return Sign(event, message, ring, signer_index, x, rng, nullptr, &cheat);
}

Status Lrs2Verify(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                  const Lrs2Signature& sig) {
  CANDOR_ASSIGN_OR_RETURN(Prepared p, Prepare(event, message, ring, sig));
  SystemRng weights;
  const Prepared* one[] = {&p};
  if (!BatchHolds(ring, one, weights)) {
    return VerificationFailed("the candor-lrs-v2 signature does not verify");
  }
  return Status::Ok();
}

std::vector<std::size_t> Lrs2VerifyBatch(const Lrs2Ring& ring, std::span<const Lrs2BatchItem> items,
                                         Rng& weights) {
  std::vector<std::size_t> bad;
  std::vector<Prepared> prepared;
  prepared.reserve(items.size());
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto p = Prepare(items[i].event, items[i].message, ring, *items[i].signature);
    if (!p.ok()) {
      bad.push_back(i);
      continue;
    }
    prepared.push_back(std::move(*p));
    positions.push_back(i);
  }
  std::vector<const Prepared*> batch;
  batch.reserve(prepared.size());
  for (const auto& p : prepared) batch.push_back(&p);
  Blame(ring, batch, positions, weights, bad);
  std::sort(bad.begin(), bad.end());
  return bad;
}

}  // namespace candor::crypto
