// Marks for the constant-time check (tools/lrs2_ctgrind.cc, the ctgrind technique of
// A. Langley): under Valgrind's memcheck, secret bytes are marked "undefined", so that any
// branch or memory index computed from them is reported as a use of uninitialised memory.
// Code that must act on a value derived from a secret declassifies it first, at a reviewed
// point named in a comment. Outside Valgrind these are a few no-op instructions; without
// Valgrind's headers, nothing.
#ifndef CANDOR_GROUP_CT_H_
#define CANDOR_GROUP_CT_H_

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define CANDOR_CT_HAVE_VALGRIND 1
#endif
#endif

#include <cstddef>

namespace candor::ct {

// Marks n bytes at p as secret (undefined to memcheck).
inline void Secret(const void* p, std::size_t n) {
#ifdef CANDOR_CT_HAVE_VALGRIND
  (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#else
  (void)p;
  (void)n;
#endif
}

// Declassifies n bytes at p: from here on, branching on them is allowed.
inline void Declassify(const void* p, std::size_t n) {
#ifdef CANDOR_CT_HAVE_VALGRIND
  (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
  (void)p;
  (void)n;
#endif
}

template <typename T>
T Declassified(T v) {
  Declassify(&v, sizeof v);
  return v;
}

}  // namespace candor::ct

#endif  // CANDOR_GROUP_CT_H_
