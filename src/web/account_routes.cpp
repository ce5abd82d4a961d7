#include "creditgate/web/web_pages.hpp"

namespace creditgate {

void WebPages::add_account_routes(PageRouter&) {}

}  // namespace creditgate
