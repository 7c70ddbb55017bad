// Context-word tables and the windowed search; see context.h. The window is small (96 bytes
// before, 48 after), so a plain search per word is cheaper than anything cleverer for the few
// candidates that reach this point.
#include "detect/context.h"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "detect/finding.h"

namespace concord::detect {
namespace {

using Words = std::initializer_list<std::string_view>;

const Words kIdWords = {
    "id", "identity", "identification", "national", "citizen", "resident", "ic no", "i/c",
    "身份证", "身份證", "证件", "證件", "公民", "居民", "号码", "號碼",
    "هوية", "الهوية", "بطاقة", "الرقم الوطني", "الرقم القومي",
    "kad pengenalan", "no. kp", "no kp", "nombor", "pengenalan",
    "주민", "등록번호", "주민등록", "신분증",
    "nik", "ktp", "kependudukan", "บัตรประชาชน", "เลขประจำตัว",
    "dni", "identidad", "identité", "паспорт", "инн", "снилс"};

struct KindWords {
  std::string_view kind;
  Words positive;
};

const KindWords kTable[] = {
    {kinds::kEmail, {"email", "e-mail", "mail", "邮箱", "邮件", "電郵", "البريد", "emel", "이메일", "correo", "courriel", "почта"}},
    {kinds::kPhone, {"phone", "tel", "mobile", "cell", "call", "whatsapp", "电话", "手机", "電話", "手機", "联系", "هاتف", "جوال", "الهاتف", "telefon", "nombor telefon", "전화", "휴대폰", "연락처", "teléfono", "téléphone", "телефон", "โทร"}},
    {kinds::kCard, {"card", "visa", "mastercard", "amex", "credit", "debit", "payment", "卡号", "信用卡", "银行卡", "卡號", "بطاقة", "ائتمان", "kad kredit", "카드", "tarjeta", "carte", "карт"}},
    {kinds::kIban, {"iban", "account", "bank", "transfer", "账户", "账号", "حساب", "akaun", "계좌", "cuenta", "compte", "счет", "счёт"}},
    {kinds::kCnId, {"身份证", "身份證", "公民身份", "居民身份", "证件号", "id", "identity", "chinese"}},
    {kinds::kHkId, {"hkid", "hong kong", "香港身份證", "身份證", "id", "identity"}},
    {kinds::kSgNric, {"nric", "fin", "ic", "identity", "singapore", "id"}},
    {kinds::kMyNric, {"mykad", "nric", "ic", "kad pengenalan", "no. kp", "no kp", "malaysia", "identity", "id"}},
    {kinds::kThId, {"บัตรประชาชน", "เลขประจำตัว", "thai", "national id", "id", "identity", "citizen"}},
    {kinds::kIdNik, {"nik", "ktp", "kependudukan", "indonesia", "identity", "id"}},
    {kinds::kKrRrn, {"주민등록", "주민번호", "등록번호", "rrn", "resident registration", "korea", "id"}},
    {kinds::kInAadhaar, {"aadhaar", "aadhar", "uidai", "आधार", "uid", "india", "id"}},
    {kinds::kUsSsn, {"ssn", "social security", "social sec", "taxpayer", "tin", "ss#", "ss #"}},
    {kinds::kUkNino, {"nino", "national insurance", "ni number", "ni no", "insurance number"}},
    {kinds::kIp, {"ip", "address", "host", "server", "addr", "地址", "عنوان", "주소"}},
    {kinds::kDob, {"born", "birth", "dob", "d.o.b", "birthday", "出生", "生日", "出生日期", "生年月日",
                   "تاريخ الميلاد", "ميلاد", "مواليد", "tarikh lahir", "lahir", "생년월일", "생일", "출생",
                   "nacimiento", "nació", "naissance", "né le", "née le", "рождения", "родился", "родилась",
                   "geboren", "nascimento", "วันเกิด"}},
    {kinds::kPassport, {"passport", "护照", "護照", "جواز السفر", "جواز", "pasport", "여권", "pasaporte",
                        "passeport", "паспорт", "reisepass", "passaporto", "หนังสือเดินทาง", "travel document"}},
};

const Words kNegative = {"example", "sample", "dummy", "fake", "placeholder", "test number",
                             "order", "invoice", "tracking", "isbn", "version", "serial", "sku",
                             "示例", "样例", "测试", "订单", "مثال", "contoh", "예시", "ejemplo", "exemple"};

bool isAsciiWordChar(char c) { return isAlnum(c); }

// Case-insensitive search of an ASCII-or-UTF-8 word; ASCII words need non-letter boundaries.
bool containsWord(std::string_view lowered, std::string_view w) {
  bool ascii = std::all_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  size_t pos = 0;
  while ((pos = lowered.find(w, pos)) != std::string_view::npos) {
    if (!ascii) return true;
    bool leftOk = pos == 0 || !isAsciiWordChar(lowered[pos - 1]);
    size_t e = pos + w.size();
    bool rightOk = e >= lowered.size() || !isAsciiWordChar(lowered[e]) || w.size() >= 5;
    if (leftOk && rightOk) return true;
    ++pos;
  }
  return false;
}

}  // namespace

int contextSignal(std::string_view text, Span span, std::string_view kind) {
  constexpr uint32_t kBefore = 96, kAfter = 48;
  uint32_t b = span.begin > kBefore ? span.begin - kBefore : 0;
  uint32_t e = std::min<uint32_t>(static_cast<uint32_t>(text.size()), span.end + kAfter);
  std::array<char, kBefore + kAfter + 8> buf;
  size_t n = 0;
  auto append = [&](uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to && n + 1 < buf.size(); ++i) {
      char c = text[i];
      buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    buf[n++] = ' ';
  };
  append(b, span.begin);
  append(span.end, e);
  std::string_view window(buf.data(), n);
  const Words* positive = nullptr;
  for (const auto& kw : kTable)
    if (kw.kind == kind) positive = &kw.positive;
  bool idKind = kind == kinds::kCnId || kind == kinds::kHkId || kind == kinds::kSgNric ||
                kind == kinds::kMyNric || kind == kinds::kThId || kind == kinds::kIdNik ||
                kind == kinds::kKrRrn || kind == kinds::kInAadhaar;
  if (positive)
    for (auto w : *positive)
      if (containsWord(window, w)) return 1;
  if (idKind)
    for (auto w : kIdWords)
      if (containsWord(window, w)) return 1;
  for (auto w : kNegative)
    if (containsWord(window, w)) return -1;
  return 0;
}

float adjustForContext(std::string_view text, Span span, std::string_view kind, float score) {
  int s = contextSignal(text, span, kind);
  float v = score + 0.3f * static_cast<float>(s);
  return std::clamp(v, 0.0f, 1.0f);
}

}  // namespace concord::detect
