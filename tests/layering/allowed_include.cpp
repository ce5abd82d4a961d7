// Compiled as module `ledger`, which may use `store`: the control that the probe itself builds.
#include "creditgate/store/records.hpp"
