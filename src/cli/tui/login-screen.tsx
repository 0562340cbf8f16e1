/** The login screen: the QR code, what happened to it (waiting, scanned by whom, renewed), resuming. */
import { Box, Text } from 'ink';
import { padTo, positional, truncate } from './text-width.js';
import type { LoginView } from './tui-state.js';

export interface LoginScreenProps {
  login: LoginView;
  width: number;
  height: number;
}

export function loginStateText(login: LoginView): string {
  switch (login.phase) {
    case 'starting':
      return 'Connecting…';
    case 'waiting':
      return login.renewals > 0
        ? `The QR code expired and was renewed (${login.renewals}×). Scan the new one with WeChat on your phone.`
        : 'Scan this QR code with WeChat on your phone (Me → Scan).';
    case 'scanned':
      return login.scannedBy
        ? `Scanned by ${login.scannedBy}. Confirm the login on your phone…`
        : 'Scanned. Confirm the login on your phone…';
    case 'resuming':
      return 'Resuming the saved session…';
    case 'logging-in':
      return 'Confirmed. Logging in…';
    case 'loading':
      return `Logged in${login.account ? ` as ${login.account}` : ''}. Loading contacts and groups…`;
    case 'failed':
      return `Login failed: ${login.error ?? 'unknown error'}`;
  }
}

export function LoginScreen({ login, width, height }: LoginScreenProps) {
  const qrLines =
    login.qr && (login.phase === 'waiting' || login.phase === 'scanned') ? login.qr.split('\n') : [];
  const fitsQr = qrLines.length + 4 + (login.note ? 1 : 0) <= height;
  const state = loginStateText(login);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{padTo(' webwx — WeChat in the terminal', width)}</Text>
      <Text color={login.phase === 'failed' ? 'red' : login.phase === 'scanned' ? 'green' : 'yellow'}>
        {padTo(` ${state}`, width)}
      </Text>
      {login.note ? <Text color="cyan">{padTo(` ${login.note}`, width)}</Text> : null}
      {fitsQr ? (
        <Box flexDirection="column" paddingLeft={1}>
          {positional(qrLines).map(({ key, item: line }) => (
            <Text key={key} color="black" backgroundColor="white" dimColor={login.phase === 'scanned'}>
              {truncate(line, width - 2)}
            </Text>
          ))}
        </Box>
      ) : login.qr ? (
        <Text>
          {padTo(' (the terminal is too small for the QR code: enlarge it, or open the link below)', width)}
        </Text>
      ) : null}
      {login.url && (login.phase === 'waiting' || login.phase === 'scanned') ? (
        <Text dimColor>{truncate(` or open ${login.url}`, width)}</Text>
      ) : null}
      <Text dimColor>{padTo(' q: quit', width)}</Text>
    </Box>
  );
}
