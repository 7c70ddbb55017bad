// Phone-number validation with libphonenumber, for candidates the pattern table found.
// International numbers ("+44 ...", "0044 ...") are parsed as such; national ones are tried
// against a fixed list of regions (US, GB, CN, IN, SG, MY, HK, AU, DE, FR, KR, ID, TH, AE, SA,
// JP, BR, ES). libphonenumber's PhoneNumberUtil is a thread-safe singleton; any thread.
// Verdicts are remembered per thread (bounded) because the library costs ~20 us a number.
#pragma once

#include <string_view>

namespace concord::detect {

// Score in (0,1] for a valid number (0.9 international, 0.7 formatted national, 0.4 bare
// digits), 0 when no region accepts it or it looks like a date, IP or version string.
float validatePhoneNumber(std::string_view candidate);

}  // namespace concord::detect
