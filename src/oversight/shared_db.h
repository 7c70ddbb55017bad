// openSharedDb: opens an SQLite file that several objects of one process share (the approval
// queue, the stop switch and the admin tokens all live in storage.oversight_db), and that other
// processes (the `concord admin` CLI) write while the gateway runs.
//
// Why not plain SqliteDb::open: for a new file it first creates the file with open()+close() so
// that the mode is 0600. POSIX drops ALL of a process's fcntl locks on a file when ANY
// descriptor of that file is closed, so doing that while another connection of this process
// has the file open silently drops that connection's locks; a CLI process then believes it is
// the last user, deletes the WAL on exit, and the gateway keeps writing to a deleted WAL (it no
// longer sees tokens the CLI made). Here the file is only pre-created when it does not exist
// yet. Startup code; call from one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "store/sqlite_db.h"

namespace concord::oversight {

Result<std::unique_ptr<store::SqliteDb>> openSharedDb(const std::string& path);

}  // namespace concord::oversight
