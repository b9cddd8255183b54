// candor-vectors: writes tests/vectors/*.json from the registered generators.
//
//   candor-vectors OUTPUT_DIR        write every file
//   candor-vectors --check DIR       exit 1 if any committed file differs
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "vectors/registry.h"

int main(int argc, char** argv) {
  bool check = argc == 3 && std::string(argv[1]) == "--check";
  if (!(argc == 2 || check)) {
    std::fprintf(stderr, "usage: candor-vectors [--check] DIR\n");
    return 2;
  }
  std::string dir = argv[argc - 1];
  int failures = 0;
  for (const auto& [file, generate] : candor::vectors::Registry()) {
    std::string path = dir + "/" + file;
    std::string text = generate().dump(2) + "\n";
    if (check) {
      std::ifstream in(path);
      std::stringstream current;
      current << in.rdbuf();
      if (current.str() != text) {
        std::fprintf(stderr, "%s differs from its generator\n", path.c_str());
        ++failures;
      }
    } else {
      std::ofstream out(path);
      out << text;
      if (!out) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        return 1;
      }
      std::printf("wrote %s\n", path.c_str());
    }
  }
  return failures == 0 ? 0 : 1;
}
