// Re-push of one assignment (see rest_repush.hpp).
#include "server/rest_repush.hpp"

#include "server/outbox.hpp"

namespace acmepolicy::server {

void add_repush_route(Router& r, ServerContext& ctx) {
    r.add("POST", "/api/v1/devices/([^/]+)/policies/([^/]+)/repush",
          [&ctx](const httplib::Request&, httplib::Response& res, const Params& p) {
              int status = 0;
              std::string message;
              nlohmann::json reply;
              struct Rollback {};
              try {
              ctx.store->transaction([&](Db& db) {
                  Store& store = *ctx.store;
                  auto device = store.device(db, p[0]);
                  if (!device) {
                      status = 404;
                      message = "No device has id \"" + p[0] + "\".";
                      return;
                  }
                  auto a = store.assignment(db, p[0], p[1]);
                  if (!a) {
                      status = 404;
                      message = "Device \"" + p[0] + "\" has no assignment of policy \"" + p[1] + "\".";
                      return;
                  }
                  if (!device->enrolled || a->status == "removing" || a->status == "removed") {
                      status = 409;
                      message = !device->enrolled ? "Device \"" + p[0] + "\" is not enrolled; nothing can be sent to it."
                                                  : "Policy \"" + p[1] + "\" is being removed from device \"" + p[0] + "\".";
                      return;
                  }
                  // Forget the profile's UUID so the plan sees it missing and installs it again from scratch.
                  a->payload_uuid.clear();
                  a->install_attempts = 0;
                  a->dead = false;
                  a->next_retry_at.reset();
                  store.save_assignment(db, *a);
                  int queued = reconcile_devices(ctx, db, {p[0]});
                  auto after = store.assignment(db, p[0], p[1]);
                  if (!queued || !after || after->payload_uuid.empty()) {
                      status = 409;
                      message = "Policy \"" + p[1] + "\" does not go to device \"" + p[0] + "\" any more; nothing was sent.";
                      throw Rollback{};  // keep the assignment as it was
                  }
                  reply = {{"device", p[0]}, {"policy", p[1]}, {"commands_queued", queued},
                           {"command_uuid", after->last_command_uuid}};
                  status = 202;
              });
              } catch (const Rollback&) {
              }
              if (status == 404)
                  return send_error(res, 404, message.rfind("No device", 0) == 0 ? "device.not_found" : "assignment.not_found",
                                    message);
              if (status == 409) return send_error(res, 409, "assignment.not_repushable", message);
              wake_outbox(ctx);
              send_json(res, 202, reply);
          });
}

}  // namespace acmepolicy::server
