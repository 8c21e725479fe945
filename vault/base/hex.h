// Lower-case hexadecimal encoding for ids, hashes and wrapped keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vault {

std::string HexEncode(const uint8_t* data, size_t len);
// Returns nullopt for odd length or a non-hex character.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);

}  // namespace vault
