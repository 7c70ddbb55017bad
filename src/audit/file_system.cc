#include "audit/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace concord::audit {
namespace {

Error ioError(const std::string& what, const std::string& path, int err) {
  std::string code = err == ENOSPC ? "audit.no_space" : err == EROFS ? "audit.read_only" : "audit.io";
  return makeError(code, what + " " + path + ": " + std::strerror(err));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ioError("write", path_, errno);
      }
      data.remove_prefix(size_t(n));
    }
    return {};
  }
  Status sync() override {
    if (::fdatasync(fd_) != 0) return ioError("fsync", path_, errno);
    return {};
  }
  Status close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return ioError("close", path_, errno);
    return {};
  }

 private:
  int fd_;
  std::string path_;
};

class PosixLock final : public FileLock {
 public:
  explicit PosixLock(int fd) : fd_(fd) {}
  ~PosixLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

}  // namespace

std::string joinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string dirName(const std::string& path) {
  auto pos = path.rfind('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

PosixFileSystem& PosixFileSystem::instance() {
  static PosixFileSystem fs;
  return fs;
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::openAppend(const std::string& path, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return ioError("open", path, errno);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
}

Result<std::string> PosixFileSystem::readFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ioError("open", path, errno);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return ioError("read", path, e);
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

Result<uint64_t> PosixFileSystem::fileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ioError("stat", path, errno);
  return uint64_t(st.st_size);
}

bool PosixFileSystem::exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status PosixFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return ioError("rename", from, errno);
  return {};
}

Status PosixFileSystem::remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return ioError("unlink", path, errno);
  return {};
}

Status PosixFileSystem::truncate(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), off_t(size)) != 0) return ioError("truncate", path, errno);
  return {};
}

Result<std::vector<std::string>> PosixFileSystem::list(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return ioError("opendir", dir, errno);
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  return names;
}

Status PosixFileSystem::createDir(const std::string& dir) {
  std::string acc;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    acc = dir.substr(0, pos);
    if (acc.empty()) continue;
    if (::mkdir(acc.c_str(), 0755) != 0 && errno != EEXIST) return ioError("mkdir", acc, errno);
  }
  return {};
}

Status PosixFileSystem::syncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ioError("open", dir, errno);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return ioError("fsync", dir, e);
  return {};
}

Result<std::unique_ptr<FileLock>> PosixFileSystem::lock(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ioError("open", path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return makeError("audit.locked", "audit directory is in use by another process (" + path + ")");
  }
  return std::unique_ptr<FileLock>(new PosixLock(fd));
}

Status writeFileAtomic(FileSystem& fs, const std::string& dir, const std::string& name,
                       std::string_view data, int mode) {
  std::string tmp = joinPath(dir, name + ".tmp");
  (void)fs.remove(tmp);
  auto f = fs.openAppend(tmp, mode);
  if (!f) return f.error();
  Status s = (*f)->append(data);
  if (s) s = (*f)->sync();
  Status c = (*f)->close();
  if (s && !c) s = c;
  if (s) s = fs.rename(tmp, joinPath(dir, name));
  if (s) s = fs.syncDir(dir);
  return s;
}

}  // namespace concord::audit
