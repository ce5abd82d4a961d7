#include "creditgate/web/web_pages.hpp"

namespace creditgate {

void WebPages::add_sign_in_routes(PageRouter&) {}

}  // namespace creditgate
