// libFuzzer target: the edge-list reader, then dismantling of what it read, whose answer must
// always meet the target (checked here; a miss traps).
#include <cstdint>
#include <string_view>

#include "cordon/network/dismantle.h"
#include "cordon/network/graph_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cordon::network;
  EdgeListOptions options;
  options.max_line_bytes = 256;
  options.max_issues = 8;
  options.max_nodes = 5000;
  auto read = ParseEdgeList(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (!read.ok() || read->graph.num_nodes() > 300) return 0;
  const CsrGraph& g = read->graph;
  // The first byte picks the target and the method, so every path gets exercised.
  const uint8_t pick = size > 0 ? data[0] : 0;
  DismantleOptions o;
  o.target = 0.01 + 0.3 * static_cast<double>(pick % 16) / 15.0;
  o.method = static_cast<DismantleMethod>((pick / 16) % 4);
  o.reinsert = (pick & 0x80) == 0;
  o.effort = 0.01;
  auto r = Dismantle(g, o);
  if (!r.ok() || LargestComponent(g, r->removed) > r->target_size) __builtin_trap();
  return 0;
}
