#include "log/compact_range.h"

#include <bit>
#include <string>

namespace candor::tlog {

Result<CompactRange> CompactRange::Restore(std::uint64_t size, std::vector<Hash> border) {
  const auto expected = static_cast<std::size_t>(std::popcount(size));
  if (border.size() != expected) {
    return InvalidArgument("a tree of " + std::to_string(size) + " leaves has " +
                           std::to_string(expected) + " border nodes, got " +
                           std::to_string(border.size()));
  }
  CompactRange out;
  out.size_ = size;
  out.border_ = std::move(border);
  return out;
}

Hash RootFromBorder(std::span<const Hash> border) {
  if (border.empty()) return EmptyRoot();
  Hash hash = border.back();
  for (std::size_t i = border.size() - 1; i-- > 0;) hash = HashChildren(border[i], hash);
  return hash;
}

}  // namespace candor::tlog
