#include "creditgate/http/router.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

using boost::beast::http::verb;

// Records which route ran and with which ids.
struct Calls {
    std::string route;
    RouteIds ids;
};

Router<Calls&> make_router() {
    Router<Calls&> router;
    auto named = [](std::string name) {
        return [name](const RouteIds& ids, Calls& calls) {
            calls.route = name;
            calls.ids = ids;
        };
    };
    router.add(verb::get, "/v1/models", named("models"))
        .add(verb::get, "/admin/accounts/{id}/keys", named("list_keys"))
        .add(verb::post, "/admin/accounts/{id}/keys", named("create_key"))
        .add(verb::delete_, "/admin/keys/{id}", named("revoke_key"));
    return router;
}

TEST(Router, RunsTheHandlerOfTheMatchingMethodAndPathWithItsIds) {
    auto router = make_router();
    Calls calls;
    EXPECT_FALSE(router.dispatch(verb::post, "/admin/accounts/42/keys", calls));
    EXPECT_EQ(calls.route, "create_key");
    EXPECT_EQ(calls.ids, RouteIds{42});
}

TEST(Router, UnknownPathIs404NotFoundAndRunsNothing) {
    auto router = make_router();
    Calls calls;
    auto error = router.dispatch(verb::get, "/v1/embeddings", calls);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, boost::beast::http::status::not_found);
    EXPECT_EQ(error->code, ErrorCode::not_found);
    EXPECT_TRUE(error->allow.empty());
    EXPECT_TRUE(calls.route.empty());
}

TEST(Router, WrongMethodOnAKnownPathIs405WithAllowListingEveryRegisteredMethod) {
    auto router = make_router();
    Calls calls;
    auto error = router.dispatch(verb::put, "/admin/accounts/7/keys", calls);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, boost::beast::http::status::method_not_allowed);
    EXPECT_EQ(error->code, ErrorCode::method_not_allowed);
    EXPECT_EQ(error->allow, "GET, POST");
    EXPECT_TRUE(calls.route.empty());

    error = router.dispatch(verb::get, "/admin/keys/7", calls);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->allow, "DELETE");
}

TEST(Router, IdSegmentsMatchOnlyPositiveDecimalIntegers) {
    auto router = make_router();
    for (const char* path : {"/admin/keys/0", "/admin/keys/-3", "/admin/keys/abc", "/admin/keys/1x",
                             "/admin/keys/99999999999999999999"}) {
        Calls calls;
        auto error = router.dispatch(verb::delete_, path, calls);
        ASSERT_TRUE(error) << path;
        EXPECT_EQ(error->code, ErrorCode::not_found) << path;
    }
}

TEST(Router, PathsMatchExactlySegmentBySegment) {
    auto router = make_router();
    for (const char* path :
         {"/v1/models/", "//v1/models", "/v1//models", "/v1/models/x", "/v1", "", "v1/models"}) {
        Calls calls;
        auto error = router.dispatch(verb::get, path, calls);
        ASSERT_TRUE(error) << path;
        EXPECT_EQ(error->code, ErrorCode::not_found) << path;
    }
}

}  // namespace
}  // namespace creditgate
