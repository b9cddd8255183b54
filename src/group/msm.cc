#include "group/msm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "group/parallel.h"

namespace candor::group {
namespace {

// Scalars are < l < 2^253; with signed digits the last window takes the final carry.
constexpr int kScalarBits = 253;

// The signed radix-2^c digits of every scalar, window-major: digit (w, i) at [w·n + i], each in
// [-2^(c-1), 2^(c-1)], so that s_i = Σ_w digit(w, i)·2^(c·w).
std::vector<std::int32_t> SignedDigits(std::span<const Scalar> scalars, int c, int windows) {
  const std::size_t n = scalars.size();
  std::vector<std::int32_t> digits(static_cast<std::size_t>(windows) * n);
  const std::uint64_t mask = (std::uint64_t{1} << c) - 1;
  const std::int64_t half = std::int64_t{1} << (c - 1);
  std::array<std::uint8_t, 48> bytes{};
  for (std::size_t i = 0; i < n; ++i) {
    scalars[i].EncodeTo(std::span<std::uint8_t, 32>(bytes.data(), 32));
    std::int64_t carry = 0;
    for (int w = 0; w < windows; ++w) {
      const int bit = w * c;
      std::uint64_t word = 0;  // bytes past 32 are zero
      for (int k = 7; k >= 0; --k)
        word = (word << 8) | bytes[static_cast<std::size_t>(bit / 8) + static_cast<std::size_t>(k)];
      const auto raw = static_cast<std::int64_t>((word >> (bit % 8)) & mask) + carry;
      // Digits above half borrow from the next window, keeping |digit| ≤ 2^(c-1).
      carry = raw > half ? 1 : 0;
      digits[static_cast<std::size_t>(w) * n + i] = static_cast<std::int32_t>(raw - (carry << c));
    }
  }
  decaf_bzero(bytes.data(), bytes.size());
  return digits;
}

}  // namespace

int PippengerWindow(std::size_t n) {
  // Close to the optimum measured on libdecaf's public point arithmetic (the v2 research:
  // c = 8 at 2^10, 9 at 2^12, 10 at 2^14, 12 at 2^16–10^5; bench BM_Msm: 13 beats 12 at the
  // 5·10^4-point slices of a threaded 10^5). The window is chosen per thread slice.
  if (n < 4) return 2;
  int c = static_cast<int>(std::lround(std::log(static_cast<double>(n)))) + 1;
  if (n >= 32768) ++c;  // measured: 13 beats 12 at 5·10^4 points (bench BM_Msm)
  if (c < 2) c = 2;
  if (c > 16) c = 16;
  return c;
}

namespace {

Point Pippenger(std::span<const Scalar> scalars, std::span<const Point> points) {
  const std::size_t n = scalars.size();
  if (n == 0) return Point::Identity();
  const int c = PippengerWindow(n);
  // One window more than ⌈253/c⌉ holds the carry out of the top digit.
  const int windows = (kScalarBits + c - 1) / c + 1;
  const std::vector<std::int32_t> digits = SignedDigits(scalars, c, windows);

  const std::size_t buckets_count = std::size_t{1} << (c - 1);
  std::vector<Point> buckets(buckets_count);
  std::vector<bool> used(buckets_count);
  Point acc;
  bool acc_set = false;
  for (int w = windows - 1; w >= 0; --w) {
    if (acc_set) {
      for (int k = 0; k < c; ++k) acc = acc.Double();
    }
    std::fill(used.begin(), used.end(), false);
    const std::int32_t* row = digits.data() + static_cast<std::size_t>(w) * n;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t d = row[i];
      if (d == 0) continue;
      const std::size_t b = static_cast<std::size_t>(d > 0 ? d : -d) - 1;
      if (!used[b]) {
        buckets[b] = d > 0 ? points[i] : -points[i];
        used[b] = true;
      } else if (d > 0) {
        buckets[b] += points[i];
      } else {
        buckets[b] -= points[i];
      }
    }
    // Σ (b+1)·bucket[b] as a running sum from the top bucket down.
    Point running;
    Point total;
    bool any = false;
    for (std::size_t b = buckets_count; b-- > 0;) {
      if (used[b]) {
        running = any ? running + buckets[b] : buckets[b];
        any = true;
      }
      if (any) total += running;
    }
    if (any) {
      acc = acc_set ? acc + total : total;
      acc_set = true;
    }
  }
  return acc;
}

}  // namespace

std::size_t MsmThreads(std::size_t n) {
  if (n < kMinPointsPerThread * 2) return 1;
  return std::min(Cores(kMaxMsmThreads), n / kMinPointsPerThread);
}

Point MultiScalarMulVartime(std::span<const Scalar> scalars, std::span<const Point> points,
                            std::size_t max_threads) {
  const std::size_t n = scalars.size();
  if (n == 0 || points.size() != n) return Point::Identity();
  std::size_t threads = MsmThreads(n);
  if (max_threads != 0 && threads > max_threads) threads = max_threads;
  if (threads == 1) return Pippenger(scalars, points);
  // Σ over disjoint slices, one thread each: the slices' sums add up to the whole.
  std::vector<Point> partial(threads);
  const std::size_t chunk = (n + threads - 1) / threads;
  RunInParallel(threads, [&](std::size_t t) {
    const std::size_t begin = t * chunk;
    if (begin >= n) return;
    const std::size_t len = std::min(chunk, n - begin);
    partial[t] = Pippenger(scalars.subspan(begin, len), points.subspan(begin, len));
  });
  Point sum;
  for (const Point& p : partial) sum += p;
  return sum;
}

}  // namespace candor::group
