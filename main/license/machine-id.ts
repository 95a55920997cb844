// The default CoreEnvironment.readMachineId: node-machine-id's original (unhashed) OS id. On Linux that
// library falls back to the hostname when no machine-id file can be read; anchor.ts refuses that case.
import nodeMachineId from 'node-machine-id';

export function readOsMachineId(): Promise<string> {
  return nodeMachineId.machineId(true);
}
