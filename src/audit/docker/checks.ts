/** Docker rules (catalog/audit/docker/<id>/): each over the daemons one config file sets up. */
import { defineChecks } from '../checks.js';
import { tcpListenersIn, type DockerDaemon } from './daemon.js';

export interface DockerInput {
  daemons: DockerDaemon[];
}

export const DOCKER_CHECKS = defineChecks<DockerInput>('docker', {
  'docker-api-plaintext-tcp': (i) => tcpListenersIn(i.daemons, 'none'),
  'docker-api-no-client-auth': (i) => tcpListenersIn(i.daemons, 'tls-only'),
});
