// The JSON hash lists `cordon bank import` reads (ParseBankFile in bank.h calls these; the
// formats are described in docs/formats/tcap-hash-list.md and docs/formats/hma-bank.md):
//
//   tat (also named tcap)  Tech Against Terrorism's TCAP hash-list API: records
//                          {id, hash_digest, algorithm, ideology, file_type, deleted, ...},
//                          as an array, one API page {"count","next","checkpoint","results"},
//                          or one page or record a line. `deleted: true` removes the hash.
//   hma                    HMA's (OpenMediaMatch) bank content as its API answers it:
//                          {id, bank:{name}, signals:{type: value}, disable_until_ts, note,
//                          metadata:{content_id, content_uri}}, as an array or one a line.
//                          Disabled content removes its signals.
//
// Records are applied in file order: a later record of the same signal wins, so a hash deleted
// and added again is added. A bad record (or one bad signal of a record) is rejected with its
// record number, and line when the file has one a line; the others are kept.
//
// Thread safety: no shared state.
#pragma once

#include <string>
#include <string_view>

#include "cordon/content/bank.h"

namespace cordon {

class ProgressStep;

void ReadTatHashList(std::string_view data, const std::string& name, const ImportOptions& options,
                     ProgressStep* progress, ParsedBank& out);
void ReadHmaBank(std::string_view data, const std::string& name, const ImportOptions& options,
                 ProgressStep* progress, ParsedBank& out);

}  // namespace cordon
