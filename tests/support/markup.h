// A small well-formedness check of generated markup (the HTML report and its SVG): every element
// that is opened is closed in order, every '&' starts an entity, no '<' or '>' stands loose in
// text or attribute values. Header-only; for tests.
#ifndef TEAMS_TESTS_SUPPORT_MARKUP_H_
#define TEAMS_TESTS_SUPPORT_MARKUP_H_

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace teams_usage::testing {

// Empty when `text` is well-formed; otherwise the first problem and its byte offset. With
// `html`, the void elements (meta, input, br, ...) need no closing tag, and the <!DOCTYPE> and
// the raw text of <style> are accepted.
inline std::string CheckMarkup(const std::string& text, bool html) {
  static const std::set<std::string> kVoid = {"meta", "input", "br", "hr", "img", "link"};
  std::vector<std::string> open;
  const auto at = [](size_t i) { return " at byte " + std::to_string(i); };
  const auto entity_ok = [&text](size_t i) {
    const size_t semi = text.find(';', i);
    if (semi == std::string::npos || semi - i > 10 || semi == i + 1) return false;
    for (size_t k = i + 1; k < semi; ++k) {
      if (!std::isalnum(static_cast<unsigned char>(text[k])) && text[k] != '#') return false;
    }
    return true;
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '&') {
      if (!entity_ok(i)) return "a bare '&'" + at(i);
      ++i;
      continue;
    }
    if (c == '>') return "a bare '>'" + at(i);
    if (c != '<') {
      ++i;
      continue;
    }
    if (text.compare(i, 2, "<?") == 0 || text.compare(i, 2, "<!") == 0) {
      const size_t end = text.find('>', i);
      if (end == std::string::npos) return "an unterminated declaration" + at(i);
      i = end + 1;
      continue;
    }
    const bool closing = i + 1 < text.size() && text[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    std::string name;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) ||
                               text[j] == '-' || text[j] == ':')) {
      name.push_back(text[j++]);
    }
    if (name.empty()) return "a bare '<'" + at(i);
    // Attributes: name="value" pairs, values without '<' and with valid entities.
    char quote = 0;
    size_t end = j;
    for (; end < text.size(); ++end) {
      const char d = text[end];
      if (quote != 0) {
        if (d == quote)
          quote = 0;
        else if (d == '<')
          return "a '<' in an attribute of <" + name + ">" + at(end);
        else if (d == '&' && !entity_ok(end))
          return "a bare '&' in an attribute" + at(end);
        continue;
      }
      if (d == '"' || d == '\'')
        quote = d;
      else if (d == '>')
        break;
      else if (d == '<')
        return "a '<' inside the tag <" + name + ">" + at(end);
    }
    if (end >= text.size()) return "an unterminated tag <" + name + ">" + at(i);
    const bool self_closing = text[end - 1] == '/';
    if (closing) {
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">") +
               at(i);
      }
      open.pop_back();
    } else if (!self_closing && !(html && kVoid.count(name) > 0)) {
      open.push_back(name);
      if (html && name == "style") {  // raw text up to </style>
        const size_t close = text.find("</style>", end);
        if (close == std::string::npos) return "an unclosed <style>" + at(i);
        i = close;
        continue;
      }
    }
    i = end + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  return "";
}

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_MARKUP_H_
