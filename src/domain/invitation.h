// One-time enrollment invitation codes.
//
// An enrollment officer checks a person's employment and hands them a code; the person's
// device redeems it once to add their ring key to the roster (DESIGN.md, "Roles"). The code
// is a bearer secret: the server stores only InvitationCodeHash(code), so a copy of the
// database cannot enroll anyone.
//
// Format: 128 random bits as 26 symbols of Crockford's base32 alphabet
// (0123456789ABCDEFGHJKMNPQRSTVWXYZ — no I, L, O, U), most significant first, the first symbol
// carrying only 3 bits (so it is 0–7); then one check symbol from the same alphabet; shown in
// groups of four: "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXX" (27 symbols).
//
// The check symbol makes v_0 … v_26 (the symbols' values) a codeword: Σ v_i·α^(26−i) = 0 in
// GF(32) = GF(2)[x]/(x^5 + x^2 + 1), α = x. Because α ≠ 0, 1 and has order 31 > 27, this
// catches every single wrong symbol, every swap of two adjacent symbols or of two symbols one
// apart, and every doubled-symbol error (aa → bb). Crockford's own mod-37 check symbol would
// do as well but needs the symbols * ~ $ = U, which shells, URLs and readers mangle.
//
// Thread safety: the functions are pure, except that NewInvitationCode draws from `rng`
// (which must not be shared between threads; see crypto/rng.h).
#ifndef CANDOR_DOMAIN_INVITATION_H_
#define CANDOR_DOMAIN_INVITATION_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/rng.h"

namespace candor::domain {

// Symbols in a code, including the check symbol (not counting dashes).
inline constexpr std::size_t kInvitationCodeSymbols = 27;

// A fresh code, 128 bits from `rng`, in its display form "XXXX-XXXX-…-XXX".
std::string NewInvitationCode(crypto::Rng& rng);

// Reads a code as a person typed it: case-insensitive; spaces, tabs and dashes anywhere are
// ignored; I and L read as 1, O as 0. Returns the normalized form — the 27 symbols, upper
// case, without dashes — after checking the check symbol.
// Error (kInvalidArgument) with a message for the person: a character that is not part of
// any code (naming it), the wrong number of symbols, or a typo (the check fails).
Result<std::string> NormalizeInvitationCode(std::string_view typed);

// The display form (groups of four joined by '-') of a normalized code.
// REQUIRES: `normalized` came from NormalizeInvitationCode.
std::string FormatInvitationCode(std::string_view normalized);

// H256("candor/v1/invitation", normalized): what the store keeps instead of the code.
// REQUIRES: `normalized` came from NormalizeInvitationCode (a display form or a code typed
// differently hashes differently).
crypto::Digest32 InvitationCodeHash(std::string_view normalized);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_INVITATION_H_
