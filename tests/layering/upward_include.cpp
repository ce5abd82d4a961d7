// Compiled as module `ledger`, which sits below `http` ("ledger never calls http"): this
// #include must not be found.
#include "creditgate/http/api_error.hpp"
