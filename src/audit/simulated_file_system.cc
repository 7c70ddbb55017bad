#include "audit/simulated_file_system.h"

#include <cerrno>

namespace concord::audit {
namespace {

Error fault(const char* code, const std::string& what) { return makeError(code, what); }

}  // namespace

class SimFile final : public WritableFile {
 public:
  SimFile(SimulatedFileSystem* fs, std::shared_ptr<SimulatedFileSystem::Inode> ino, uint64_t gen)
      : fs_(fs), ino_(std::move(ino)), gen_(gen) {}
  Status append(std::string_view data) override { return fs_->appendTo(ino_, gen_, data); }
  Status sync() override { return fs_->syncInode(ino_, gen_); }
  Status close() override { return {}; }

 private:
  SimulatedFileSystem* fs_;
  std::shared_ptr<SimulatedFileSystem::Inode> ino_;
  uint64_t gen_;
};

class SimLock final : public FileLock {
 public:
  SimLock(SimulatedFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~SimLock() override {
    std::lock_guard<std::mutex> g(fs_->mu_);
    fs_->locks_.erase(path_);
  }

 private:
  SimulatedFileSystem* fs_;
  std::string path_;
};

Status SimulatedFileSystem::check(bool mutation) const {
  if (dead_) return fault("audit.io", "simulated: machine is down (EIO)");
  if (!mutation) return {};
  if (fault_ == Fault::kReadOnly) return fault("audit.read_only", "simulated: read-only file system (EROFS)");
  return {};
}

Status SimulatedFileSystem::appendTo(const std::shared_ptr<Inode>& ino, uint64_t gen,
                                     std::string_view data) {
  std::lock_guard<std::mutex> g(mu_);
  if (gen != generation_) return fault("audit.io", "simulated: stale handle after power loss (EIO)");
  if (Status s = check(true); !s) return s;
  if (fault_ == Fault::kNoSpace) {
    ino->data.append(data.substr(0, data.size() / 2));  // a short write, as a full disk does
    return fault("audit.no_space", "simulated: no space left on device (ENOSPC)");
  }
  ino->data.append(data);
  return {};
}

Status SimulatedFileSystem::syncInode(const std::shared_ptr<Inode>& ino, uint64_t gen) {
  std::lock_guard<std::mutex> g(mu_);
  if (gen != generation_) return fault("audit.io", "simulated: stale handle after power loss (EIO)");
  if (Status s = check(true); !s) return s;
  if (fault_ == Fault::kNoSpace) return fault("audit.no_space", "simulated: fsync failed (ENOSPC)");
  ino->synced = ino->data;
  ++syncs_;
  return {};
}

Result<std::unique_ptr<WritableFile>> SimulatedFileSystem::openAppend(const std::string& path, int) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = live_.find(path);
  if (Status s = check(it == live_.end()); !s) return s.error();
  if (it == live_.end()) {
    if (fault_ == Fault::kNoSpace) return fault("audit.no_space", "simulated: ENOSPC creating " + path);
    it = live_.emplace(path, std::make_shared<Inode>()).first;
  }
  return std::unique_ptr<WritableFile>(new SimFile(this, it->second, generation_));
}

Result<std::string> SimulatedFileSystem::readFile(const std::string& path) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(false); !s) return s.error();
  auto it = live_.find(path);
  if (it == live_.end()) return fault("audit.io", "simulated: no such file " + path);
  return it->second->data;
}

Result<uint64_t> SimulatedFileSystem::fileSize(const std::string& path) {
  auto r = readFile(path);
  if (!r) return r.error();
  return uint64_t(r->size());
}

bool SimulatedFileSystem::exists(const std::string& path) {
  std::lock_guard<std::mutex> g(mu_);
  return live_.count(path) || dirs_.count(path);
}

Status SimulatedFileSystem::rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(true); !s) return s;
  auto it = live_.find(from);
  if (it == live_.end()) return fault("audit.io", "simulated: no such file " + from);
  live_[to] = it->second;
  live_.erase(from);
  return {};
}

Status SimulatedFileSystem::remove(const std::string& path) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(true); !s) return s;
  if (!live_.erase(path)) return fault("audit.io", "simulated: no such file " + path);
  return {};
}

Status SimulatedFileSystem::truncate(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(true); !s) return s;
  auto it = live_.find(path);
  if (it == live_.end()) return fault("audit.io", "simulated: no such file " + path);
  // Truncation is metadata; model it as durable at once for the synced part too.
  if (it->second->data.size() > size) it->second->data.resize(size);
  if (it->second->synced.size() > size) it->second->synced.resize(size);
  return {};
}

Result<std::vector<std::string>> SimulatedFileSystem::list(const std::string& dir) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(false); !s) return s.error();
  std::string prefix = dir.back() == '/' ? dir : dir + "/";
  std::vector<std::string> names;
  for (const auto& [p, _] : live_)
    if (p.compare(0, prefix.size(), prefix) == 0 && p.find('/', prefix.size()) == std::string::npos)
      names.push_back(p.substr(prefix.size()));
  return names;
}

Status SimulatedFileSystem::createDir(const std::string& dir) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(false); !s) return s;
  dirs_.insert(dir);
  return {};
}

Status SimulatedFileSystem::syncDir(const std::string& dir) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(true); !s) return s;
  std::string prefix = dir.back() == '/' ? dir : dir + "/";
  auto inDir = [&](const std::string& p) {
    return p.compare(0, prefix.size(), prefix) == 0 && p.find('/', prefix.size()) == std::string::npos;
  };
  for (auto it = durable_.begin(); it != durable_.end();)
    it = inDir(it->first) ? durable_.erase(it) : std::next(it);
  for (const auto& [p, ino] : live_)
    if (inDir(p)) durable_[p] = ino;
  ++syncs_;
  return {};
}

Result<std::unique_ptr<FileLock>> SimulatedFileSystem::lock(const std::string& path) {
  std::lock_guard<std::mutex> g(mu_);
  if (Status s = check(false); !s) return s.error();
  if (!locks_.insert(path).second) return fault("audit.locked", "simulated: locked " + path);
  return std::unique_ptr<FileLock>(new SimLock(this, path));
}

void SimulatedFileSystem::setFault(Fault f) {
  std::lock_guard<std::mutex> g(mu_);
  fault_ = f;
}

void SimulatedFileSystem::powerLoss(bool torn, uint32_t seed) {
  std::lock_guard<std::mutex> g(mu_);
  std::mt19937 rng(seed);
  live_ = durable_;
  std::set<Inode*> seen;
  for (auto& [p, ino] : live_) {
    if (!seen.insert(ino.get()).second) continue;
    std::string kept = ino->synced;
    if (torn && ino->data.size() > ino->synced.size() &&
        ino->data.compare(0, ino->synced.size(), ino->synced) == 0) {
      size_t extra = ino->data.size() - ino->synced.size();
      kept.append(ino->data, ino->synced.size(), rng() % (extra + 1));
    }
    ino->data = kept;
    ino->synced = kept;
  }
  ++generation_;
  dead_ = true;
}

void SimulatedFileSystem::reboot() {
  std::lock_guard<std::mutex> g(mu_);
  dead_ = false;
  fault_ = Fault::kNone;
}

std::string SimulatedFileSystem::contentsForTest(const std::string& path) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = live_.find(path);
  return it == live_.end() ? std::string() : it->second->data;
}

void SimulatedFileSystem::setContentsForTest(const std::string& path, std::string data) {
  std::lock_guard<std::mutex> g(mu_);
  auto& ino = live_[path];
  if (!ino) ino = std::make_shared<Inode>();
  ino->data = data;
  ino->synced = std::move(data);
  durable_[path] = ino;
}

uint64_t SimulatedFileSystem::syncCountForTest() const {
  std::lock_guard<std::mutex> g(mu_);
  return syncs_;
}

}  // namespace concord::audit
