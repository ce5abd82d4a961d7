// Boost.Asio and Boost.Beast are compiled once here (separate compilation) instead of in every
// translation unit that includes them: it halves build time on a 2-core machine.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
