// What a `--db` names: a SQLite file or a PostgreSQL database (docs/design.md, "PostgreSQL as
// the shared store"). Free of any database header, so the CLI may ask it too.
#pragma once

#include <string>
#include <string_view>

namespace cordon {

// Whether `db` names a PostgreSQL database (postgresql:// or postgres://) rather than a file.
bool IsPostgresUrl(std::string_view db);

// The URL without a password (in the user information or a `password` parameter): what errors
// and logs may show.
std::string RedactUrl(std::string_view url);

}  // namespace cordon
