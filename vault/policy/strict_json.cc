#include "vault/policy/strict_json.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <set>
#include <typeinfo>

namespace vault {

struct JsonShape::Node {
  enum class Kind { kString, kWholeNumber, kNumber, kBoolean, kVersion1, kList, kObject, kMap, kEither };
  Kind kind;
  std::vector<JsonShape> children;    // kList, kMap: the element; kEither: both
  std::map<std::string, JsonShape> fields;  // kObject
};

namespace {

using Kind = JsonShape::Node::Kind;

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string Element(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Refuses a key written twice in one object, remembering where: a stack
// of the objects and lists open at the parser's position.
class DuplicateKeyGuard : public Poco::JSON::ParseHandler {
 public:
  DuplicateKeyGuard() : ParseHandler(/*preserveObjectOrder=*/true) {}

  void reset() override {
    ParseHandler::reset();
    open_.clear();
    duplicate_path_.clear();
  }
  void startObject() override {
    EnterValue();
    open_.push_back(Open{false, 0, {}, Path()});
    ParseHandler::startObject();
  }
  void endObject() override {
    open_.pop_back();
    ParseHandler::endObject();
  }
  void startArray() override {
    EnterValue();
    open_.push_back(Open{true, 0, {}, Path()});
    ParseHandler::startArray();
  }
  void endArray() override {
    open_.pop_back();
    ParseHandler::endArray();
  }
  void key(const std::string& k) override {
    Open& o = open_.back();
    o.key = k;
    if (!o.keys.insert(k).second) {
      duplicate_path_ = Child(o.path, k);
      throw Poco::JSON::JSONException("duplicate key \"" + k + "\"");
    }
    ParseHandler::key(k);
  }
  void value(int v) override { EnterValue(), ParseHandler::value(v); }
  void value(unsigned v) override { EnterValue(), ParseHandler::value(v); }
  void value(Poco::Int64 v) override { EnterValue(), ParseHandler::value(v); }
  void value(Poco::UInt64 v) override { EnterValue(), ParseHandler::value(v); }
  void value(const std::string& v) override { EnterValue(), ParseHandler::value(v); }
  void value(double v) override { EnterValue(), ParseHandler::value(v); }
  void value(bool v) override { EnterValue(), ParseHandler::value(v); }
  void null() override { EnterValue(), ParseHandler::null(); }

  const std::string& duplicate_path() const { return duplicate_path_; }

 private:
  struct Open {
    bool list;
    size_t next;                // list: index of the next element
    std::set<std::string> keys;  // object: keys seen so far
    std::string path;
    std::string key;            // object: the key being read
  };
  // The path of the value about to start.
  std::string Path() const {
    if (open_.empty()) return "";
    const Open& o = open_.back();
    return o.list ? Element(o.path, o.next - 1) : Child(o.path, o.key);
  }
  void EnterValue() {
    if (!open_.empty() && open_.back().list) ++open_.back().next;
  }

  std::vector<Open> open_;
  std::string duplicate_path_;
};

bool IsObject(const Poco::Dynamic::Var& v) { return v.type() == typeid(Poco::JSON::Object::Ptr); }
bool IsList(const Poco::Dynamic::Var& v) { return v.type() == typeid(Poco::JSON::Array::Ptr); }
bool IsWhole(const Poco::Dynamic::Var& v) { return !v.isBoolean() && v.isInteger(); }

}  // namespace

class JsonShapeChecker {
 public:
  explicit JsonShapeChecker(const PolicyFileSpec& spec) : spec_(spec) {}

  static const JsonShape::Node& NodeOf(const JsonShape& s) { return *s.node_; }

  // Whether `v` has the JSON type `shape` wants, not looking inside it.
  static bool HasType(const JsonShape::Node& n, const Poco::Dynamic::Var& v) {
    switch (n.kind) {
      case Kind::kString: return v.isString();
      case Kind::kWholeNumber: return IsWhole(v);
      case Kind::kNumber: return IsWhole(v) || v.type() == typeid(double);
      case Kind::kBoolean: return v.isBoolean();
      case Kind::kVersion1: return IsWhole(v) && v.convert<Poco::Int64>() == 1;
      case Kind::kList: return IsList(v);
      case Kind::kObject:
      case Kind::kMap: return IsObject(v);
      case Kind::kEither: return HasType(*n.children[0].node_, v) || HasType(*n.children[1].node_, v);
    }
    return false;
  }

  static const char* TypeWanted(const JsonShape::Node& n) {
    switch (n.kind) {
      case Kind::kString: return "must be a string";
      case Kind::kWholeNumber: return "must be a whole number";
      case Kind::kNumber: return "must be a number";
      case Kind::kBoolean: return "must be true or false";
      case Kind::kVersion1: return "must be 1";
      case Kind::kList: return "must be a list";
      case Kind::kObject:
      case Kind::kMap: return "must be an object";
      case Kind::kEither: return "has the wrong type";
    }
    return "has the wrong type";
  }

  Status Check(const JsonShape::Node& n, const Poco::Dynamic::Var& v, const std::string& path) const {
    if (n.kind == Kind::kEither) {
      const JsonShape::Node& first = *n.children[0].node_;
      return Check(HasType(first, v) ? first : *n.children[1].node_, v, path);
    }
    if (!HasType(n, v)) return PolicyFileError(spec_, path, TypeWanted(n));
    if (n.kind == Kind::kList) {
      const auto& list = *v.extract<Poco::JSON::Array::Ptr>();
      for (unsigned i = 0; i < list.size(); ++i) {
        VAULT_RETURN_IF_ERROR(Check(*n.children[0].node_, list.get(i), Element(path, i)));
      }
    } else if (n.kind == Kind::kObject || n.kind == Kind::kMap) {
      const auto& object = *v.extract<Poco::JSON::Object::Ptr>();
      for (const std::string& key : object.getNames()) {
        const JsonShape::Node* field = nullptr;
        if (n.kind == Kind::kMap) {
          field = n.children[0].node_.get();
        } else if (auto it = n.fields.find(key); it != n.fields.end()) {
          field = it->second.node_.get();
        }
        if (!field) return PolicyFileError(spec_, Child(path, key), "unknown field");
        VAULT_RETURN_IF_ERROR(Check(*field, object.get(key), Child(path, key)));
      }
    }
    return Status::Ok();
  }

 private:
  const PolicyFileSpec& spec_;
};

namespace {

JsonShape::Node Make(Kind kind) { return JsonShape::Node{kind, {}, {}}; }

}  // namespace

JsonShape JsonShape::String() { return JsonShape(std::make_shared<Node>(Make(Kind::kString))); }
JsonShape JsonShape::WholeNumber() { return JsonShape(std::make_shared<Node>(Make(Kind::kWholeNumber))); }
JsonShape JsonShape::Number() { return JsonShape(std::make_shared<Node>(Make(Kind::kNumber))); }
JsonShape JsonShape::Boolean() { return JsonShape(std::make_shared<Node>(Make(Kind::kBoolean))); }
JsonShape JsonShape::Version1() { return JsonShape(std::make_shared<Node>(Make(Kind::kVersion1))); }

JsonShape JsonShape::List(JsonShape element) {
  Node n = Make(Kind::kList);
  n.children.push_back(std::move(element));
  return JsonShape(std::make_shared<Node>(std::move(n)));
}

JsonShape JsonShape::Object(std::vector<std::pair<std::string, JsonShape>> fields) {
  Node n = Make(Kind::kObject);
  for (auto& f : fields) n.fields.emplace(std::move(f.first), std::move(f.second));
  return JsonShape(std::make_shared<Node>(std::move(n)));
}

JsonShape JsonShape::Map(JsonShape value) {
  Node n = Make(Kind::kMap);
  n.children.push_back(std::move(value));
  return JsonShape(std::make_shared<Node>(std::move(n)));
}

JsonShape JsonShape::Either(JsonShape first, JsonShape second) {
  Node n = Make(Kind::kEither);
  n.children.push_back(std::move(first));
  n.children.push_back(std::move(second));
  return JsonShape(std::make_shared<Node>(std::move(n)));
}

Status PolicyFileError(const PolicyFileSpec& spec, const std::string& path, const std::string& what) {
  return InvalidArgumentError(spec.reason, spec.file + ": " + (path.empty() ? "" : path + ": ") + what);
}

StatusOr<Poco::JSON::Object::Ptr> ReadStrictJson(const std::string& text, const PolicyFileSpec& spec) {
  Poco::SharedPtr<DuplicateKeyGuard> guard = new DuplicateKeyGuard();
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser(guard);
    parsed = parser.parse(text);
  } catch (const Poco::Exception& e) {
    if (!guard->duplicate_path().empty()) return PolicyFileError(spec, guard->duplicate_path(), "field given twice");
    return PolicyFileError(spec, "", "not valid JSON: " + e.displayText());
  }
  if (!IsObject(parsed)) return PolicyFileError(spec, "", "the top level must be a JSON object");
  try {
    JsonShapeChecker checker(spec);
    VAULT_RETURN_IF_ERROR(checker.Check(JsonShapeChecker::NodeOf(spec.shape), parsed, ""));
  } catch (const Poco::Exception& e) {
    return PolicyFileError(spec, "", e.displayText());
  }
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

PolicyFileSpec PolicyFile(std::string file, std::string reason,
                          std::vector<std::pair<std::string, JsonShape>> fields) {
  fields.insert(fields.begin(),
                {{"version", JsonShape::Version1()}, {"description", JsonShape::String()}});
  return PolicyFileSpec{std::move(file), std::move(reason), JsonShape::Object(std::move(fields))};
}

StatusOr<std::string> RequiredString(const PolicyFileSpec& spec, const Poco::JSON::Object& obj,
                                     const std::string& key, const std::string& path) {
  if (!obj.has(key)) return PolicyFileError(spec, path, "missing");
  Poco::Dynamic::Var v = obj.get(key);
  if (!v.isString()) return PolicyFileError(spec, path, "must be a string");
  return v.extract<std::string>();
}

}  // namespace vault
