#include "cli/process.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace candor::cli {
namespace {

TEST(RunProgram, AdditionsReplaceInheritedVariablesAndAnEmptyOneKeepsThem) {
  ASSERT_EQ(::setenv("CANDOR_PROCESS_TEST", "inherited", 1), 0);
  const std::vector<std::string> is_inherited{"sh", "-c",
                                              "test \"$CANDOR_PROCESS_TEST\" = inherited"};
  EXPECT_TRUE(RunProgram(is_inherited).ok());
  EXPECT_TRUE(RunProgram(is_inherited, {{"CANDOR_PROCESS_TEST", ""}}).ok());
  EXPECT_FALSE(RunProgram(is_inherited, {{"CANDOR_PROCESS_TEST", "given"}}).ok());
  EXPECT_TRUE(RunProgram({"sh", "-c", "test \"$CANDOR_PROCESS_TEST\" = given"},
                         {{"CANDOR_PROCESS_TEST", "given"}})
                  .ok());
  ::unsetenv("CANDOR_PROCESS_TEST");
  auto missing = RunProgram({"candor-no-such-program"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("candor-no-such-program"), std::string::npos);
  EXPECT_FALSE(RunProgram({"sh", "-c", "exit 3"}).ok());
}

}  // namespace
}  // namespace candor::cli
