// The network summary (network/summary.h).
#include "cordon/network/summary.h"

#include <gtest/gtest.h>

#include "world_fixture.h"

namespace cordon::network {
namespace {

TEST(NetworkSummary, CountsAndOrdersTheRoles) {
  const Network net = testing::WorldNetwork();
  const Roles roles = AssignRoles(net);
  const NetworkSummary s = Summarize(net, roles);
  EXPECT_EQ(s.role_counts.at("official"), 1);
  EXPECT_GT(s.node_kinds.at("channel"), 0);
  EXPECT_GT(s.edge_kinds.at("forward"), 0);
  int64_t with_role = 0;
  for (const auto& [role, n] : s.role_counts) with_role += n;
  ASSERT_EQ(static_cast<int64_t>(s.with_role.size()), with_role);
  for (size_t i = 1; i < s.with_role.size(); ++i) {
    const auto& a = roles.by_node[static_cast<size_t>(s.with_role[i - 1])][0];
    const auto& b = roles.by_node[static_cast<size_t>(s.with_role[i])][0];
    EXPECT_TRUE(a.role < b.role || (a.role == b.role && a.confidence >= b.confidence));
  }
}

TEST(NetworkSummary, ParseEdgeKinds) {
  auto k = ParseEdgeKinds("forward,,post");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, (std::vector<EdgeKind>{EdgeKind::kForward, EdgeKind::kPost}));
  EXPECT_TRUE(ParseEdgeKinds("")->empty());
  auto bad = ParseEdgeKinds("forward,nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'nope'"), std::string::npos);
}

}  // namespace
}  // namespace cordon::network
