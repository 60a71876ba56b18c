#include "cordon/pipeline/release_bank.h"

#include <set>
#include <string>

#include "cordon/content/bank.h"
#include "cordon/network/build.h"
#include "cordon/network/roles.h"
#include "cordon/store/media_queries.h"

namespace cordon::pipeline {

StatusOr<ReleaseBankResult> BankOfficialReleases(Store& source, Store& target,
                                                 const std::string& name, Progress* progress) {
  network::BuildOptions bo;
  bo.progress = progress;
  ASSIGN_OR_RETURN(network::Network net, network::BuildNetwork(source, bo));
  const network::Roles roles = network::AssignRoles(net);
  ReleaseBankResult result;
  std::set<std::string> videos;  // distinct vPDQ signals
  std::vector<BankEntry> entries;
  for (int32_t v : roles.officials) {
    const std::string& chat = net.node(v).key;
    ASSIGN_OR_RETURN(std::vector<StoredMediaHashes> media, MediaHashesOfChat(source, chat));
    for (const StoredMediaHashes& m : media) {
      if (m.vpdq && !m.vpdq->empty()) videos.insert(*m.vpdq);
      for (const auto& [type, signal] :
           {std::pair{SignalType::kPdq, &m.pdq}, std::pair{SignalType::kSha256, &m.sha256},
            std::pair{SignalType::kVpdq, &m.vpdq}}) {
        if (!signal->has_value() || (*signal)->empty()) continue;
        BankEntry e;
        e.type = type;
        e.signal = **signal;
        e.label = "release";
        e.provenance = "posted by " + chat;
        entries.push_back(std::move(e));
      }
    }
  }
  const TimeMs now = net.time();
  BankInfo bank;
  bank.name = name;
  bank.label = "release";
  bank.provenance =
      "images and videos posted by the official source, from the researcher's exports";
  RETURN_IF_ERROR(CreateBank(target, bank, now));
  result.officials = roles.officials.size();
  result.videos = static_cast<int64_t>(videos.size());
  ASSIGN_OR_RETURN(result.signals, AddEntries(target, bank.name, entries, now, progress));
  return result;
}

}  // namespace cordon::pipeline
