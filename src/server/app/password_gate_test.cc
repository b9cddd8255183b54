#include "server/app/password_gate.h"

#include <gtest/gtest.h>

#include <vector>

namespace candor::app {
namespace {

TEST(PasswordGateTest, SlotsInAllAndPerSourceAreHeldUntilReleased) {
  PasswordGate gate(3, 2);
  auto a1 = gate.TryEnter("10.0.0.1");
  auto a2 = gate.TryEnter("10.0.0.1");
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(gate.TryEnter("10.0.0.1"));  // that source's two are taken
  auto b1 = gate.TryEnter("10.0.0.2");
  ASSERT_TRUE(b1);
  EXPECT_FALSE(gate.TryEnter("10.0.0.3"));  // three in all
  EXPECT_EQ(gate.running(), 3u);
  a1.reset();
  EXPECT_EQ(gate.running(), 2u);
  auto c1 = gate.TryEnter("10.0.0.3");  // a freed slot is anyone's
  EXPECT_TRUE(c1);
  EXPECT_FALSE(gate.TryEnter("10.0.0.1"));
  a2.reset();
  b1.reset();
  c1.reset();
  EXPECT_EQ(gate.running(), 0u);
  // The unknown source ("") is one source like the others.
  std::vector<PasswordGate::Ticket> held;
  for (int i = 0; i < 2; ++i) held.push_back(std::move(*gate.TryEnter("")));
  EXPECT_FALSE(gate.TryEnter(""));
  held.clear();
  EXPECT_TRUE(gate.TryEnter(""));
}

}  // namespace
}  // namespace candor::app
