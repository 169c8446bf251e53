// The metallb-ts command: one binary, several roles and operator tools. Each subcommand lives in its
// own file and registers itself here.
import { Command } from 'commander';

export type Register = (program: Command) => void;

const registrations: Array<() => Promise<{ register: Register }>> = [
  // Each entry is one subcommand module; add new ones here.
  () => import('./webhook.js'),
  () => import('./validate.js'),
  () => import('./allocate.js'),
  () => import('./explain.js'),
  () => import('./standalone.js'),
  () => import('./render.js'),
  () => import('./must-gather.js'),
  () => import('./status.js'),
  () => import('./controller.js'),
  () => import('./speaker.js'),
];

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('metallb-ts')
    .description('MetalLB rebuilt in TypeScript: LoadBalancer IPs on bare metal, announced by BGP (FRR) or ARP/NDP')
    .showHelpAfterError()
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  for (const load of registrations) (await load()).register(program);
  await program.parseAsync(argv);
}
