// Registry of deterministic test-vector files (tests/vectors/*.json).
//
// Each construction's generator lives in its own tools/vectors/<name>_vectors.cc and
// registers itself with CANDOR_REGISTER_VECTORS. The `candor-vectors` tool writes every
// registered file; the `vectors_test` checks that the committed files equal what the
// generators produce, so the files can never drift from the code.
#ifndef CANDOR_TOOLS_VECTORS_REGISTRY_H_
#define CANDOR_TOOLS_VECTORS_REGISTRY_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace candor::vectors {

using Generator = nlohmann::json (*)();

// File name (relative to tests/vectors/) -> generator.
std::map<std::string, Generator>& Registry();

struct Registration {
  Registration(const char* file, Generator g) { Registry()[file] = g; }
};

}  // namespace candor::vectors

#define CANDOR_REGISTER_VECTORS(file, fn) \
  static const ::candor::vectors::Registration candor_vectors_registration_##fn(file, &fn)

#endif  // CANDOR_TOOLS_VECTORS_REGISTRY_H_
