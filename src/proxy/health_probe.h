// probeUpstream: can a TCP connection to the upstream be opened within the timeout? Used by a
// background thread to keep /readyz truthful before any traffic. Blocking; call off the workers.
#pragma once

#include <string>

#include "config/config.h"

namespace concord::proxy {

// Empty string = reachable; else the reason it is not.
std::string probeUpstream(const config::UpstreamConfig& upstream, int timeout_ms);

}  // namespace concord::proxy
