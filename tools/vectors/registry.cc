#include "vectors/registry.h"

namespace candor::vectors {

std::map<std::string, Generator>& Registry() {
  static std::map<std::string, Generator> registry;
  return registry;
}

}  // namespace candor::vectors
