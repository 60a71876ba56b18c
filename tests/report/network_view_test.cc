// The report's network view on the fixture world (testdata/network/make_world.py): key actors
// are the plan's targets with their roles, and the map holds them, laid out in the unit square.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/report/network_view.h"
#include "network/world_fixture.h"

namespace cordon {
namespace {

TEST(NetworkView, KeyActorsAreThePlanWithTheirRolesAndTheMapHoldsThem) {
  const network::Network net = network::testing::WorldNetwork();
  const network::Roles roles = network::AssignRoles(net);
  const network::ReachGraph graph = network::MakeReachGraph(net, roles);
  network::PlanOptions po;
  po.budget = 3;
  const network::PlanResult plan = network::Plan(graph, po);
  ASSERT_FALSE(plan.targets.empty());

  ReportInputs in;
  NetworkViewOptions options;
  options.max_nodes = 12;
  AddNetworkView(net, roles, plan, &in, options);

  ASSERT_EQ(in.key_actors.size(), plan.targets.size());
  std::set<std::string> on_map;
  for (const auto& n : in.nodes) {
    on_map.insert(n.key);
    EXPECT_GE(n.x, 0.0);
    EXPECT_LE(n.x, 1.0);
    EXPECT_GE(n.y, 0.0);
    EXPECT_LE(n.y, 1.0);
  }
  for (size_t i = 0; i < plan.targets.size(); ++i) {
    const auto& a = in.key_actors[i];
    EXPECT_EQ(a.entity, plan.targets[i].key);
    const int32_t v = net.Find(a.entity);
    ASSERT_GE(v, 0);
    EXPECT_EQ(a.role, roles.Primary(v)) << a.entity;
    EXPECT_TRUE(on_map.count(a.entity)) << a.entity << " is not on the map";
  }
  bool any_role = false;
  for (const auto& a : in.key_actors) any_role |= !a.role.empty();
  EXPECT_TRUE(any_role);
  EXPECT_LE(in.nodes.size(), 12u);
  for (const auto& e : in.edges) {
    EXPECT_LT(e.a, in.nodes.size());
    EXPECT_LT(e.b, in.nodes.size());
    EXPECT_NE(e.a, e.b);
  }
  EXPECT_FALSE(in.edges.empty());
}

}  // namespace
}  // namespace cordon
