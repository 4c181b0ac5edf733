// The text of a PathLink chain (see path_chain.hpp).
#include "validation/path_chain.hpp"

#include <vector>

namespace acmepolicy::validation {

std::string path_of(const PathLink* link) {
    std::vector<const PathLink*> links;
    for (; link != nullptr; link = link->parent) links.push_back(link);
    std::string path;
    for (auto it = links.rbegin(); it != links.rend(); ++it) {
        path.push_back('/');
        if ((*it)->is_index) {
            path += std::to_string((*it)->index);
            continue;
        }
        for (char c : (*it)->key) {
            if (c == '~') path += "~0";
            else if (c == '/') path += "~1";
            else path.push_back(c);
        }
    }
    return path;
}

}  // namespace acmepolicy::validation
