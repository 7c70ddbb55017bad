// Checksum and structure validators for national identifiers, cards and bank accounts.
// Pure functions over ASCII digit/letter strings with separators already removed (callers use
// `compactAlnum`). No state; any thread. Each function names the standard it implements.
#pragma once

#include <string>
#include <string_view>

namespace concord::detect {

// Keeps ASCII letters and digits, upper-cases letters; drops spaces, dashes, dots, brackets.
std::string compactAlnum(std::string_view s);

bool luhnValid(std::string_view digits);                 // ISO/IEC 7812 mod 10
bool cardIssuerKnown(std::string_view digits);           // Visa, MC, Amex, Discover, JCB, UnionPay, Diners, Maestro, Mir
bool ibanValid(std::string_view compact);                // ISO 13616: country length + mod 97 == 1
bool verhoeffValid(std::string_view digits);             // Verhoeff dihedral check (Aadhaar)
bool cnResidentIdValid(std::string_view id18);           // GB 11643-1999: region, birth date, ISO 7064 MOD 11-2
bool hkIdValid(std::string_view compact);                // HKID: 1-2 letters, 6 digits, check digit/A (mod 11)
bool sgNricValid(std::string_view compact);              // S/T/F/G + 7 digits + check letter (M: format only)
bool myKadValid(std::string_view digits12);              // YYMMDD + place-of-birth code + 4 digits
bool thaiIdValid(std::string_view digits13);             // mod 11 check digit
bool idNikValid(std::string_view digits16);              // province code, DDMMYY (+40 for women), serial != 0
bool krRrnChecksumValid(std::string_view digits13);      // pre-2020 mod 11 check digit
bool krRrnStructureValid(std::string_view digits13);     // YYMMDD + gender/century digit 1-8
bool usSsnValid(std::string_view digits9);               // SSA structural rules (area/group/serial)
bool ukNinoValid(std::string_view compact);              // HMRC prefix rules + suffix A-D

// Calendar check for a 4-digit year; month 1-12; day within month (leap years handled).
bool dateValid(int year, int month, int day);

}  // namespace concord::detect
