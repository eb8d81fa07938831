# SPDX-License-Identifier: MIT
# The check language's order and retries ("after", retry_on), against
# real servers.
hb_integration(order integration/order.sh)
