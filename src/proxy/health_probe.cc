#include "proxy/health_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace concord::proxy {

std::string probeUpstream(const config::UpstreamConfig& upstream, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(upstream.host.c_str(), upstream.port.c_str(), &hints, &found); rc != 0)
    return std::string("cannot resolve ") + upstream.host + ": " + gai_strerror(rc);
  std::string reason = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = poll(&p, 1, timeout_ms);
      if (rc == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        if (err) reason = std::strerror(err);
      } else {
        rc = -1;
        reason = "connect timed out";
      }
    } else if (rc != 0) {
      reason = std::strerror(errno);
    }
    close(fd);
    if (rc == 0) {
      freeaddrinfo(found);
      return {};
    }
  }
  freeaddrinfo(found);
  return reason;
}

}  // namespace concord::proxy
