#include "server/app/routes.h"

#include "server/app/routes_internal.h"

namespace candor::app {

// One table per feature (routes_*.cc), each a list of short handlers: read the request, call
// the service, write the answer with the feature's wire codec (wire_*.h).
Status AddApiRoutes(http::Router& router, Service& service) {
  const api::Named named(service);
  CANDOR_RETURN_IF_ERROR(api::AddLogRoutes(router, service));
  CANDOR_RETURN_IF_ERROR(api::AddOrganizationRoutes(router, service));
  CANDOR_RETURN_IF_ERROR(api::AddStaffRoutes(router, service, named));
  CANDOR_RETURN_IF_ERROR(api::AddLetterRoutes(router, service, named));
  CANDOR_RETURN_IF_ERROR(api::AddCableRoutes(router, service, named));
  return api::AddNotifyRoutes(router, service, named);
}

}  // namespace candor::app
