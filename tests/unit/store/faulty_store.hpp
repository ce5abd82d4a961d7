#pragma once
// A real SQLite store that fails on command: the next N calls of one kind throw StoreError, as
// SQLite does when the disk is full (SQLITE_FULL) or a write fails. Everything else is the real
// store, so what does commit is really on disk.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "creditgate/store/sqlite_store.hpp"

namespace creditgate::testing {

class FaultyStore final : public Store {
  public:
    enum class Fault { commit, insert_entry, insert_hold, close_hold, insert_account };

    explicit FaultyStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

    // Shared with the test, which keeps it after the store moved into a ledger or writer.
    struct Plan {
        std::mutex mutex;
        std::map<Fault, int> remaining;  // failures still to come, per kind (-1: until healed)
        std::atomic<int> failures{0};    // how many calls failed so far
        std::atomic<int> close_hold_calls{0};  // holds closed by an update of their row
        void fail(Fault fault, int times) {
            std::lock_guard lock(mutex);
            remaining[fault] = times;
        }
        void heal() {
            std::lock_guard lock(mutex);
            remaining.clear();
        }
    };
    std::shared_ptr<Plan> plan() const { return plan_; }

    void begin() override { inner_->begin(); }

    void commit() override {
        fail_if_due(Fault::commit);
        inner_->commit();
    }

    void rollback() override { inner_->rollback(); }

    std::int64_t insert_account(const std::string& name, std::int64_t created_at_ms,
                                std::int64_t id) override {
        fail_if_due(Fault::insert_account);
        return inner_->insert_account(name, created_at_ms, id);
    }

    std::vector<AccountRecord> load_accounts() override { return inner_->load_accounts(); }

    std::int64_t insert_key(const KeyRecord& key) override { return inner_->insert_key(key); }

    bool revoke_key(std::int64_t key_id, std::int64_t revoked_at_ms) override {
        return inner_->revoke_key(key_id, revoked_at_ms);
    }

    std::vector<KeyRecord> load_active_keys() override { return inner_->load_active_keys(); }

    std::vector<KeyRecord> list_keys(std::int64_t account_id) override {
        return inner_->list_keys(account_id);
    }

    bool update_key(std::int64_t key_id, const std::string& name,
                    const std::string& scope_json) override {
        return inner_->update_key(key_id, name, scope_json);
    }
    std::vector<KeyRecord> load_all_keys() override { return inner_->load_all_keys(); }
    std::optional<KeyRecord> find_key(std::int64_t key_id) override {
        return inner_->find_key(key_id);
    }
    std::vector<KeySpendRecord> load_key_spend(std::int64_t day_ms, std::int64_t week_ms,
                                               std::int64_t month_ms) override {
        return inner_->load_key_spend(day_ms, week_ms, month_ms);
    }
    std::int64_t insert_audit(const AuditRecord& record) override {
        return inner_->insert_audit(record);
    }
    std::vector<AuditRecord> list_audit(int limit, std::int64_t before_id,
                                        std::optional<std::int64_t> account_id) override {
        return inner_->list_audit(limit, before_id, account_id);
    }
    void put_provider_key(const ProviderKeyRecord& record) override {
        inner_->put_provider_key(record);
    }
    bool delete_provider_key(std::int64_t account_id, const std::string& provider) override {
        return inner_->delete_provider_key(account_id, provider);
    }
    std::vector<ProviderKeyRecord> load_provider_keys() override {
        return inner_->load_provider_keys();
    }

    void insert_oauth_client(const OAuthClientRecord& client) override {
        inner_->insert_oauth_client(client);
    }
    std::optional<OAuthClientRecord> find_oauth_client(const std::string& client_id) override {
        return inner_->find_oauth_client(client_id);
    }
    std::vector<OAuthClientRecord> list_oauth_clients() override {
        return inner_->list_oauth_clients();
    }
    void insert_oauth_code(const OAuthCodeRecord& code) override {
        inner_->insert_oauth_code(code);
    }
    std::optional<OAuthCodeRecord> find_oauth_code(const std::string& code_hash) override {
        return inner_->find_oauth_code(code_hash);
    }
    bool use_oauth_code(const std::string& code_hash, std::int64_t used_at_ms) override {
        return inner_->use_oauth_code(code_hash, used_at_ms);
    }
    void set_oauth_code_key(const std::string& code_hash, std::int64_t key_id) override {
        inner_->set_oauth_code_key(code_hash, key_id);
    }
    void mark_oauth_code_replayed(const std::string& code_hash,
                                  std::int64_t replayed_at_ms) override {
        inner_->mark_oauth_code_replayed(code_hash, replayed_at_ms);
    }
    void insert_sign_in_link(const SignInLinkRecord& link) override {
        inner_->insert_sign_in_link(link);
    }
    std::optional<SignInLinkRecord> use_sign_in_link(const std::string& token_hash,
                                                     std::int64_t now_ms) override {
        return inner_->use_sign_in_link(token_hash, now_ms);
    }
    void insert_web_session(const WebSessionRecord& session) override {
        inner_->insert_web_session(session);
    }
    std::optional<WebSessionRecord> find_web_session(const std::string& id_hash) override {
        return inner_->find_web_session(id_hash);
    }
    bool end_web_session(const std::string& id_hash, std::int64_t ended_at_ms) override {
        return inner_->end_web_session(id_hash, ended_at_ms);
    }

    std::int64_t insert_hold(const HoldRecord& hold) override {
        fail_if_due(Fault::insert_hold);
        return inner_->insert_hold(hold);
    }

    void close_hold(std::int64_t hold_id, HoldState state, std::int64_t closed_at_ms) override {
        plan_->close_hold_calls += 1;
        fail_if_due(Fault::close_hold);
        inner_->close_hold(hold_id, state, closed_at_ms);
    }

    std::vector<HoldRecord> load_open_holds() override { return inner_->load_open_holds(); }

    std::optional<HoldState> find_hold_state(std::int64_t hold_id) override {
        return inner_->find_hold_state(hold_id);
    }

    std::int64_t insert_grant(const GrantRecord& grant) override {
        return inner_->insert_grant(grant);
    }

    void insert_allocation(const AllocationRecord& allocation) override {
        inner_->insert_allocation(allocation);
    }

    std::vector<GrantRecord> load_open_grants() override { return inner_->load_open_grants(); }

    std::optional<GrantRecord> find_grant_by_entry(std::int64_t entry_id) override {
        return inner_->find_grant_by_entry(entry_id);
    }

    std::vector<std::pair<std::int64_t, std::int64_t>> load_debts(
        std::int64_t account_id) override {
        return inner_->load_debts(account_id);
    }

    std::int64_t insert_entry(const EntryRecord& entry) override {
        fail_if_due(Fault::insert_entry);
        return inner_->insert_entry(entry);
    }

    std::optional<EntryRecord> find_entry(std::int64_t entry_id) override {
        return inner_->find_entry(entry_id);
    }

    std::vector<EntryRecord> list_entries(std::int64_t account_id, int limit,
                                          std::int64_t before_id) override {
        return inner_->list_entries(account_id, limit, before_id);
    }

    std::vector<EntryRecord> find_request_entries(std::int64_t account_id,
                                                  const std::string& request_id) override {
        return inner_->find_request_entries(account_id, request_id);
    }

    std::optional<IdempotencyRecord> find_idempotency(const std::string& scope,
                                                      const std::string& key) override {
        return inner_->find_idempotency(scope, key);
    }

    void insert_idempotency(const IdempotencyRecord& record) override {
        inner_->insert_idempotency(record);
    }

    void scan_entries(const std::function<void(const EntryRecord&)>& fn) override {
        inner_->scan_entries(fn);
    }

    void scan_holds(const std::function<void(const HoldRecord&)>& fn) override {
        inner_->scan_holds(fn);
    }

    std::vector<GrantRecord> load_all_grants() override { return inner_->load_all_grants(); }

    void scan_allocations(const std::function<void(const AllocationRecord&)>& fn) override {
        inner_->scan_allocations(fn);
    }

    std::optional<AccountRecord> find_account(std::int64_t account_id) override {
        return inner_->find_account(account_id);
    }

    std::int64_t max_entry_id() override { return inner_->max_entry_id(); }

    RowIds max_ids() override { return inner_->max_ids(); }

    std::optional<EntryRecord> last_entry_before(std::int64_t account_id, std::int64_t before_ms,
                                                 std::int64_t max_entry_id) override {
        return inner_->last_entry_before(account_id, before_ms, max_entry_id);
    }

    std::optional<EntryPosition> nth_entry_position(const EntryWindow& window,
                                                    std::int64_t n) override {
        return inner_->nth_entry_position(window, n);
    }

    std::vector<EntryAggregate> aggregate_usage(const EntryWindow& window,
                                                EntryGrouping grouping) override {
        return inner_->aggregate_usage(window, grouping);
    }

    std::vector<EntryRecord> list_balance_entries(const EntryWindow& window) override {
        return inner_->list_balance_entries(window);
    }

  private:
    void fail_if_due(Fault fault) {
        std::lock_guard lock(plan_->mutex);
        auto it = plan_->remaining.find(fault);
        if (it == plan_->remaining.end() || it->second == 0) return;
        if (it->second > 0) --it->second;
        plan_->failures += 1;
        throw StoreError("database or disk is full (injected)");
    }

    std::unique_ptr<Store> inner_;
    std::shared_ptr<Plan> plan_ = std::make_shared<Plan>();
};

}  // namespace creditgate::testing
