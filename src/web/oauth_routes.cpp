#include "creditgate/web/web_pages.hpp"

namespace creditgate {

void WebPages::add_oauth_routes(PageRouter&) {}

}  // namespace creditgate
