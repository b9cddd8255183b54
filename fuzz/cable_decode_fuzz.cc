// Fuzzes every decoder of what a cable's author, a server or a reviewer reads from someone
// else (domain/cable.h): the canonical header bytes and a grant's, the header JSON, the
// encrypted content's JSON and a follow-up's, the padding around it and the receipt text
// (either form). Each input must decode to a value that re-encodes identically (header and
// grant bytes) or be refused cleanly: no crash, no exception, no hang.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/receipt_words.h"
#include "domain/cable.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor;  // NOLINT(google-build-using-namespace)
  const crypto::ByteSpan bytes(data, size);
  if (auto h = domain::DecodeCableHeader(bytes); h.ok()) {
    const crypto::Bytes again = domain::CableHeaderBytes(*h);
    if (again != crypto::Bytes(bytes.begin(), bytes.end())) __builtin_trap();  // canonical
    auto from_json = domain::CableHeaderFromJson(domain::CableHeaderToJson(*h));
    if (!from_json.ok() || !(*from_json == *h)) __builtin_trap();
  }
  // A reader's grant to a later reviewer: canonical, like the header.
  if (auto g = domain::DecodeCableGrant(bytes); g.ok()) {
    if (domain::CableGrantBytes(*g) != crypto::Bytes(bytes.begin(), bytes.end())) __builtin_trap();
  }
  if (auto c = domain::CableContentFromBytes(bytes); c.ok()) {
    auto again = domain::CableContentFromBytes(domain::CableContentToBytes(*c));
    if (!again.ok() || !(*again == *c)) __builtin_trap();
  }
  // An author's follow-up, as the content: what reads, written again, reads the same.
  if (auto f = domain::CableFollowUpFromBytes(bytes); f.ok()) {
    auto again = domain::CableFollowUpFromBytes(domain::CableFollowUpToBytes(*f));
    if (!again.ok() || !(*again == *f)) __builtin_trap();
  }
  // Padding: what unpads must pad back to exactly the input (one valid form per text). The
  // fuzzer's inputs are short, so a bucket is reached by repeating the input, zero-filled.
  if (auto t = domain::UnpadCablePlaintext(bytes); t.ok()) {
    if (domain::PadCablePlaintext(*t) != crypto::Bytes(bytes.begin(), bytes.end()))
      __builtin_trap();
  }
  if (size > 0 && size <= domain::kMinCablePadded) {
    crypto::Bytes padded(domain::kMinCablePadded, 0);
    std::copy(bytes.begin(), bytes.end(), padded.begin());
    auto t = domain::UnpadCablePlaintext(padded);
    if (t.ok() && domain::PadCablePlaintext(*t) != padded) __builtin_trap();
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) (void)domain::CableHeaderFromJson(j);
  (void)domain::ParseCableReceipt(text);
  // Receipt words: what reads must print as words that read back to the same seed.
  if (auto seed = crypto::ParseReceiptWords(text); seed.ok()) {
    auto again = crypto::ParseReceiptWords(crypto::ReceiptWords(*seed));
    if (!again.ok() ||
        !std::equal(again->span().begin(), again->span().end(), seed->span().begin()))
      __builtin_trap();
  }
  return 0;
}
