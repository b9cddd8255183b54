#include "store/sql.h"

#include <cctype>

namespace candor::store {

const SqlValue* RowReader::Next(SqlValue::Type want, bool nullable) {
  const std::size_t column = next_++;
  if (!status_.ok()) return nullptr;
  if (column >= row_.size()) {
    status_ =
        Error(ErrorCode::kCorrupt, "row has " + std::to_string(row_.size()) + " columns; column " +
                                       std::to_string(column) + " was asked for");
    return nullptr;
  }
  const SqlValue& v = row_[column];
  if (v.is_null() && nullable) return nullptr;
  if (v.type() != want) {
    status_ = Error(ErrorCode::kCorrupt,
                    "stored column " + std::to_string(column) + " has an unexpected type");
    return nullptr;
  }
  return &v;
}

std::int64_t RowReader::Int() {
  const SqlValue* v = Next(SqlValue::Type::kInt, false);
  return v ? v->as_int() : 0;
}

bool RowReader::Bool() {
  const std::size_t column = next_;
  const std::int64_t v = Int();
  if (status_.ok() && v != 0 && v != 1) {
    status_ = Error(ErrorCode::kCorrupt,
                    "stored flag in column " + std::to_string(column) + " is neither 0 nor 1");
  }
  return v == 1;
}

std::string RowReader::Text() {
  const SqlValue* v = Next(SqlValue::Type::kText, false);
  return v ? v->as_text() : std::string();
}

Blob RowReader::Bytes() {
  const SqlValue* v = Next(SqlValue::Type::kBlob, false);
  return v ? v->as_blob() : Blob();
}

std::optional<Blob> RowReader::OptionalBytes() {
  const SqlValue* v = Next(SqlValue::Type::kBlob, true);
  if (v == nullptr) return std::nullopt;
  return v->as_blob();
}

std::optional<std::int64_t> RowReader::OptionalInt() {
  const SqlValue* v = Next(SqlValue::Type::kInt, true);
  if (v == nullptr) return std::nullopt;
  return v->as_int();
}

std::optional<std::string> RowReader::OptionalText() {
  const SqlValue* v = Next(SqlValue::Type::kText, true);
  if (v == nullptr) return std::nullopt;
  return v->as_text();
}

std::string ToPostgresPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A quoted string or identifier; a doubled quote inside is an escaped quote, which this
      // loop handles by leaving and immediately re-entering the quoted run.
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (count != nullptr) *count = n;
  return out;
}

std::string StatementSummary(std::string_view sql) {
  // The first few words, whitespace collapsed: enough to recognise the statement.
  std::string out;
  int words = 0;
  bool in_space = true;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      in_space = true;
      continue;
    }
    if (in_space) {
      if (words == 4) {
        out += " …";
        break;
      }
      if (!out.empty()) out += ' ';
      ++words;
      in_space = false;
    }
    out += c;
  }
  return out;
}

}  // namespace candor::store
